package dev.panamax.nn.train;

import dev.panamax.autodiff.Var;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/** Keras' standard callbacks, and a way to run several at once. */
public final class Callbacks {
    private Callbacks() {}

    /**
     * Runs every listener in order; training stops when any asks to.
     *
     * @param listeners the listeners, called in this order
     * @return one listener that calls them all
     */
    public static TrainingListener all(TrainingListener... listeners) {
        return all(List.of(listeners));
    }

    /**
     * Runs every listener in order; training stops when any asks to.
     *
     * @param listeners the listeners, called in this order
     * @return one listener that calls them all
     */
    public static TrainingListener all(List<TrainingListener> listeners) {
        return new TrainingListener() {
            @Override
            public void onTrainBegin(Trainer trainer) {
                for (TrainingListener l : listeners) l.onTrainBegin(trainer);
            }

            @Override
            public void onEpochBegin(int epoch, int epochs, int steps) {
                for (TrainingListener l : listeners) l.onEpochBegin(epoch, epochs, steps);
            }

            @Override
            public void onBatchEnd(int step, int samples, Map<String, Double> logs) {
                for (TrainingListener l : listeners) l.onBatchEnd(step, samples, logs);
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                for (TrainingListener l : listeners) l.onEpochEnd(epoch, logs);
            }

            @Override
            public boolean shouldStop() {
                boolean stop = false;
                for (TrainingListener l : listeners) stop |= l.shouldStop();
                return stop;
            }

            @Override
            public void onTrainEnd(Trainer trainer) {
                for (TrainingListener l : listeners) l.onTrainEnd(trainer);
            }
        };
    }

    /** Whether {@code value} improves on {@code best} for a metric (losses go down, the rest up). */
    static boolean improves(String monitor, double value, double best, double minDelta) {
        return monitor.contains("loss") ? value < best - minDelta : value > best + minDelta;
    }

    /** Tracks the best value of a monitored metric and how many epochs have passed without improvement. */
    static final class Plateau {
        final String monitor;
        double best = Double.NaN;
        int wait;

        Plateau(String monitor) {
            this.monitor = monitor;
        }

        /** Records this epoch's logs; true when the metric improved (or is the first value). */
        boolean improved(Map<String, Double> logs) {
            double v = metric(logs, monitor);
            if (Double.isNaN(best) || improves(monitor, v, best, 0)) {
                best = v;
                wait = 0;
                return true;
            }
            wait++;
            return false;
        }
    }

    static double metric(Map<String, Double> logs, String monitor) {
        Double v = logs.get(monitor);
        if (v == null) throw new IllegalArgumentException("callback monitors '" + monitor + "', which the epoch logs lack: " + logs.keySet());
        return v;
    }

    /** Stops when {@code monitor} has not improved for {@code patience} epochs; optionally restores the best weights. */
    public static final class EarlyStopping implements TrainingListener {
        /** Steers training, so every process of a data-parallel run calls it (with the same reduced metrics). */
        @Override
        public boolean everyRank() {
            return true;
        }

        private final Plateau plateau;
        private final int patience;
        private final boolean restoreBest;
        private Trainer trainer;
        private boolean stop;
        private List<Tensor> bestWeights;
        private int stoppedEpoch = -1;

        /**
         * Early stopping on a metric.
         *
         * @param monitor            the epoch log to watch, e.g. "val_loss" (names containing "loss" should fall, the
         *                           others rise); training fails naming it if the logs lack it
         * @param patience           how many epochs without improvement to allow
         * @param restoreBestWeights whether to put back the weights of the best epoch when stopping
         */
        public EarlyStopping(String monitor, int patience, boolean restoreBestWeights) {
            this.plateau = new Plateau(monitor);
            this.patience = patience;
            this.restoreBest = restoreBestWeights;
        }

        @Override
        public void onTrainBegin(Trainer t) {
            trainer = t;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            if (plateau.improved(logs)) {
                if (restoreBest) snapshot();
            } else if (plateau.wait >= patience) {
                stop = true;
                stoppedEpoch = epoch;
            }
        }

        private void snapshot() {
            if (bestWeights != null) bestWeights.forEach(Tensor::close);
            bestWeights = new ArrayList<>();
            for (Var p : trainer.model().params()) bestWeights.add(MemoryScope.move(p.value().copy(), null));
        }

        @Override
        public boolean shouldStop() {
            return stop;
        }

        @Override
        public void onTrainEnd(Trainer t) {
            if (restoreBest && bestWeights != null) {
                List<Var> ps = t.model().params();
                for (int i = 0; i < ps.size(); i++) ps.get(i).value().copyFrom(bestWeights.get(i));
                bestWeights.forEach(Tensor::close);
                bestWeights = null;
            }
        }

        /** {@return the epoch (0-based) training stopped at, or -1} */
        public int stoppedEpoch() {
            return stoppedEpoch;
        }
    }

    /** Saves the model to {@code dir} after each epoch, or only when {@code monitor} improved. Writes are atomic. */
    public static final class ModelCheckpoint implements TrainingListener {
        private final Path dir;
        private final Plateau plateau;
        private final boolean bestOnly;
        private boolean withOptimizer;
        private Trainer trainer;

        /**
         * A checkpoint callback.
         *
         * @param dir          the model folder, replaced whole at each save
         * @param monitor      the epoch log to watch, e.g. "val_loss" (names containing "loss" should fall, the others
         *                     rise); training fails naming it if the logs lack it
         * @param saveBestOnly whether to save only when the metric improved (else after every epoch)
         */
        public ModelCheckpoint(Path dir, String monitor, boolean saveBestOnly) {
            this.dir = dir;
            this.plateau = new Plateau(monitor);
            this.bestOnly = saveBestOnly;
        }

        /**
         * Also saves the optimizer state and epoch, so {@code ModelIo.resume} can continue training exactly.
         *
         * @return this callback
         */
        public ModelCheckpoint resumable() {
            this.withOptimizer = true;
            return this;
        }

        @Override
        public void onTrainBegin(Trainer t) {
            trainer = t;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            if (!plateau.improved(logs) && bestOnly) return;
            try {
                if (withOptimizer) ModelIo.saveCheckpoint(trainer.model(), trainer.optimizer(), dir, epoch + 1);
                else ModelIo.save(trainer.model(), dir);
            } catch (IOException e) {
                throw new UncheckedIOException("checkpoint to " + dir + " failed", e);
            }
        }
    }

    /** Writes the epoch logs to a CSV file after every epoch (atomically rewritten). */
    public static final class CsvLogger implements TrainingListener {
        private final Path path;
        private final History history = new History();

        /**
         * A CSV logger.
         *
         * @param path the CSV file, rewritten after every epoch
         */
        public CsvLogger(Path path) {
            this.path = path;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            history.record(new LinkedHashMap<>(logs));
            try {
                history.writeCsv(path);
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + path + " failed", e);
            }
        }
    }

    /** Multiplies the learning rate by {@code factor} when {@code monitor} stalls for {@code patience} epochs. */
    public static final class ReduceLROnPlateau implements TrainingListener {
        /** Steers training, so every process of a data-parallel run calls it (with the same reduced metrics). */
        @Override
        public boolean everyRank() {
            return true;
        }

        private final Plateau plateau;
        private final double factor, minLr;
        private final int patience;
        private Trainer trainer;

        /**
         * A plateau rule.
         *
         * @param monitor  the epoch log to watch, e.g. "val_loss" (names containing "loss" should fall, the others
         *                 rise); training fails naming it if the logs lack it
         * @param factor   the multiplier on a plateau, in (0, 1)
         * @param patience how many epochs without improvement to allow
         * @param minLr    the rate never goes below this
         * @throws IllegalArgumentException when {@code factor} is outside (0, 1)
         */
        public ReduceLROnPlateau(String monitor, double factor, int patience, double minLr) {
            if (factor <= 0 || factor >= 1) throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in (0, 1)");
            this.plateau = new Plateau(monitor);
            this.factor = factor;
            this.patience = patience;
            this.minLr = minLr;
        }

        @Override
        public void onTrainBegin(Trainer t) {
            trainer = t;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            if (!plateau.improved(logs) && plateau.wait >= patience) {
                double lr = trainer.optimizer().learningRate();
                trainer.optimizer().setLearningRate(Math.max(minLr, lr * factor));
                plateau.wait = 0;
            }
        }
    }

    /** Sets the learning rate at the start of each epoch from {@code schedule(epoch)}. */
    public static final class LearningRateScheduler implements TrainingListener {
        /** Steers training, so every process of a data-parallel run calls it (with the same reduced metrics). */
        @Override
        public boolean everyRank() {
            return true;
        }

        private final IntToDoubleFunction schedule;
        private Trainer trainer;

        /**
         * A per-epoch schedule.
         *
         * @param schedule the learning rate for each epoch (0-based)
         */
        public LearningRateScheduler(IntToDoubleFunction schedule) {
            this.schedule = schedule;
        }

        @Override
        public void onTrainBegin(Trainer t) {
            trainer = t;
        }

        @Override
        public void onEpochBegin(int epoch, int epochs, int steps) {
            trainer.optimizer().setLearningRate(schedule.applyAsDouble(epoch));
        }
    }

}
