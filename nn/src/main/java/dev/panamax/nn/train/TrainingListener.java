package dev.panamax.nn.train;

import java.util.Map;

/** Hooks into {@link Trainer#fit} (progress bars, logging, early stopping, checkpoints). Every method is optional. */
public interface TrainingListener {
    /**
     * Before the first epoch, with the trainer (callbacks that save or adjust the model or optimizer keep it).
     *
     * @param trainer the trainer running the fit
     */
    default void onTrainBegin(Trainer trainer) {}

    /**
     * Whether a data-parallel run calls this listener on every process (it steers training: early stopping,
     * learning rates) rather than on rank 0 only (the default: it prints or writes files).
     *
     * @return true to run on every process
     */
    default boolean everyRank() {
        return false;
    }

    /**
     * Asked after every epoch: true ends training (early stopping).
     *
     * @return whether to stop now
     */
    default boolean shouldStop() {
        return false;
    }

    /**
     * After the last epoch.
     *
     * @param trainer the trainer running the fit
     */
    default void onTrainEnd(Trainer trainer) {}

    /**
     * Before each epoch.
     *
     * @param epoch  the epoch, 0-based
     * @param epochs the total number of epochs of the fit
     * @param steps  the batches in this epoch
     */
    default void onEpochBegin(int epoch, int epochs, int steps) {}

    /**
     * After each batch: {@code logs} holds the running means (loss, accuracy) over the epoch so far.
     *
     * @param step    the batch just done, 0-based within the epoch
     * @param samples the examples seen so far this epoch
     * @param logs    the running means by name
     */
    default void onBatchEnd(int step, int samples, Map<String, Double> logs) {}

    /**
     * After each epoch: training means and validation metrics ({@code val_loss}, {@code val_accuracy}).
     *
     * @param epoch the epoch just done, 0-based
     * @param logs  the metrics by name, e.g. loss, accuracy, val_loss, val_accuracy
     */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {}
}
