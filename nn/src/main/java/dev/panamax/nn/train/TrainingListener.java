package dev.panamax.nn.train;

import java.util.Map;

/** Hooks into {@link Trainer#fit} (progress bars, logging, early stopping, checkpoints). Every method is optional. */
public interface TrainingListener {
    /** Before the first epoch, with the trainer (callbacks that save or adjust the model or optimizer keep it). */
    default void onTrainBegin(Trainer trainer) {}

    /**
     * Whether a data-parallel run calls this listener on every process (it steers training: early stopping,
     * learning rates) rather than on rank 0 only (the default: it prints or writes files).
     */
    default boolean everyRank() {
        return false;
    }

    /** Asked after every epoch: true ends training (early stopping). */
    default boolean shouldStop() {
        return false;
    }

    /** After the last epoch. */
    default void onTrainEnd(Trainer trainer) {}

    default void onEpochBegin(int epoch, int epochs, int steps) {}

    /** After each batch: {@code logs} holds the running means (loss, accuracy) over the epoch so far. */
    default void onBatchEnd(int step, int samples, Map<String, Double> logs) {}

    /** After each epoch: training means and validation metrics ({@code val_loss}, {@code val_accuracy}). */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {}
}
