package dev.panamax.nn.train;

import dev.panamax.data.Augmentation;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link Trainer#fit} trains, Keras' {@code fit} arguments by name:
 *
 * <pre>{@code
 * FitOptions.builder().epochs(5).batchSize(32).validationSplit(0.1).callbacks(new Callbacks.CsvLogger(log)).build()
 * }</pre>
 *
 * @param epochs         training ends before this epoch (0-based); with {@code initialEpoch}, the epochs run are
 *                       {@code initialEpoch .. epochs - 1}, as in Keras
 * @param batchSize      examples per step; the last step of an epoch takes what is left
 * @param initialEpoch   the epoch to start at: after a restored checkpoint, training continues exactly where it
 *                       stopped (the same shuffles and learning rates)
 * @param validationSplit the fraction of the examples, taken from the end, held out for validation after every
 *                       epoch (ignored when {@code validationX} is given)
 * @param validationX    explicit validation inputs (Keras' {@code validation_data}), or null
 * @param validationY    their targets, or null
 * @param shuffle        whether every epoch visits the training examples in a new order (seeded by the model)
 * @param augmentation   random augmentation of training images (validation data is never augmented)
 * @param callbacks      listeners called in order: progress, early stopping, checkpoints, logging…
 */
public record FitOptions(int epochs, int batchSize, int initialEpoch, double validationSplit, Tensor validationX,
                         Tensor validationY, boolean shuffle, Augmentation augmentation, List<TrainingListener> callbacks) {
    /**
     * Checks the options and copies the callbacks.
     *
     * @throws IllegalArgumentException when epochs or batch size is not positive, the initial epoch is negative, the
     *                                  split is outside [0, 1), validation data lacks inputs or targets, or
     *                                  augmentation is null
     */
    public FitOptions {
        if (epochs <= 0 || batchSize <= 0) throw new IllegalArgumentException("fit: epochs and batch size must be positive");
        if (initialEpoch < 0) throw new IllegalArgumentException("fit: the initial epoch must be 0 or more, got " + initialEpoch);
        if (validationSplit < 0 || validationSplit >= 1) throw new IllegalArgumentException("fit: validationSplit must be in [0, 1)");
        if ((validationX == null) != (validationY == null)) {
            throw new IllegalArgumentException("fit: validation data needs both inputs and targets");
        }
        if (augmentation == null) throw new IllegalArgumentException("fit: augmentation must not be null (Augmentation.NONE)");
        callbacks = List.copyOf(callbacks);
    }

    /**
     * Keras' defaults: 1 epoch, batches of 32, shuffled, no validation, no augmentation, no callbacks.
     *
     * @return a builder holding those defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the options one by name; {@link #build} checks them. */
    public static final class Builder {
        private int epochs = 1, batchSize = 32, initialEpoch;
        private double validationSplit;
        private Tensor validationX, validationY;
        private boolean shuffle = true;
        private Augmentation augmentation = Augmentation.NONE;
        private final List<TrainingListener> callbacks = new ArrayList<>();

        private Builder() {}

        /**
         * Sets the number of epochs to train (default 1).
         *
         * @param epochs positive
         * @return this builder
         */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the examples per batch (default 32).
         *
         * @param batchSize positive
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the epoch to start from, as when resuming (default 0).
         *
         * @param initialEpoch 0 or more
         * @return this builder
         */
        public Builder initialEpoch(int initialEpoch) {
            this.initialEpoch = initialEpoch;
            return this;
        }

        /**
         * Holds out the last fraction of the training data for validation (default 0).
         *
         * @param validationSplit in [0, 1)
         * @return this builder
         */
        public Builder validationSplit(double validationSplit) {
            this.validationSplit = validationSplit;
            return this;
        }

        /**
         * Validates on separate data instead of a split.
         *
         * @param x the validation inputs
         * @param y the validation targets
         * @return this builder
         */
        public Builder validationData(Tensor x, Tensor y) {
            this.validationX = x;
            this.validationY = y;
            return this;
        }

        /**
         * Sets whether each epoch visits the examples in a new order (default true).
         *
         * @param shuffle whether to shuffle
         * @return this builder
         */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Sets the augmentation of training images (default none).
         *
         * @param augmentation not null; {@code Augmentation.NONE} for none
         * @return this builder
         */
        public Builder augmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /**
         * Adds listeners after those already added.
         *
         * @param listeners called in order
         * @return this builder
         */
        public Builder callbacks(TrainingListener... listeners) {
            callbacks.addAll(List.of(listeners));
            return this;
        }

        /**
         * {@return the options}
         *
         * @throws IllegalArgumentException when an option is out of range (see the record's constructor)
         */
        public FitOptions build() {
            return new FitOptions(epochs, batchSize, initialEpoch, validationSplit, validationX, validationY, shuffle, augmentation, callbacks);
        }
    }
}
