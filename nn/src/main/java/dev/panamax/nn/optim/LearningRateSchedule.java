package dev.panamax.nn.optim;

/** Learning rate as a function of the optimizer step (0-based), with Keras' schedules. */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * The learning rate at a step.
     *
     * @param step the optimizer step, 0-based
     * @return the rate, positive
     */
    double at(long step);

    /**
     * {@code initial · rate^(step / decaySteps)}, floored to whole periods when {@code staircase} (a step decay).
     *
     * @param initial    the rate at step 0
     * @param decaySteps the steps per decay period, positive
     * @param rate       the factor per period, e.g. 0.96
     * @param staircase  whether the rate drops once per period instead of smoothly
     * @return the schedule
     */
    static LearningRateSchedule exponential(double initial, long decaySteps, double rate, boolean staircase) {
        return step -> {
            double p = (double) step / decaySteps;
            return initial * Math.pow(rate, staircase ? Math.floor(p) : p);
        };
    }

    /**
     * Step decay: multiply by {@code factor} every {@code every} steps.
     *
     * @param initial the rate at step 0
     * @param every   the steps between drops, positive
     * @param factor  the factor per drop, e.g. 0.1
     * @return the schedule
     */
    static LearningRateSchedule stepDecay(double initial, long every, double factor) {
        return exponential(initial, every, factor, true);
    }

    /**
     * Linear warm-up from 0 to {@code peak} over {@code warmupSteps}, then cosine decay to {@code alpha·peak}
     * over {@code decaySteps} (Keras' CosineDecay with warm-up).
     *
     * @param peak        the rate at the end of warm-up
     * @param decaySteps  the steps of the decay after warm-up, positive
     * @param alpha       the final rate as a fraction of {@code peak}
     * @param warmupSteps the steps of linear warm-up (0 for none)
     * @return the schedule
     */
    static LearningRateSchedule cosine(double peak, long decaySteps, double alpha, long warmupSteps) {
        return step -> {
            if (step < warmupSteps) return peak * (step + 1) / (double) warmupSteps;
            double t = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
            return peak * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
        };
    }

    /**
     * {@code values[i]} until step {@code boundaries[i]}, then the next; {@code values} has one more entry.
     *
     * @param boundaries the steps where the rate changes, ascending
     * @param values     the rates before, between and after the boundaries
     * @return the schedule
     * @throws IllegalArgumentException when {@code values} does not have one entry more than {@code boundaries}
     */
    static LearningRateSchedule piecewise(long[] boundaries, double[] values) {
        if (values.length != boundaries.length + 1) {
            throw new IllegalArgumentException("piecewise: " + boundaries.length + " boundaries need " + (boundaries.length + 1) + " values");
        }
        return step -> {
            for (int i = 0; i < boundaries.length; i++) if (step < boundaries[i]) return values[i];
            return values[values.length - 1];
        };
    }
}
