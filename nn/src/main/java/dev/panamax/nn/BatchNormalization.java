package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;

/**
 * Batch normalisation over the last axis (channels): batch statistics while training, updating the running
 * mean and variance with {@code momentum} (Keras: 0.99, ε 1e-3); the running statistics at inference.
 * The running statistics are non-trainable and saved with the weights.
 */
public final class BatchNormalization extends Layer {
    private final double momentum, eps;

    /** Keras' defaults: momentum 0.99, ε 1e-3. */
    public BatchNormalization() {
        this(0.99, 1e-3);
    }

    /**
     * Batch normalisation with the given constants.
     *
     * @param momentum the weight of the old running statistics in each update, in [0, 1)
     * @param eps      added to the variance before the square root, positive
     */
    public BatchNormalization(double momentum, double eps) {
        super("batch_normalization");
        this.momentum = momentum;
        this.eps = eps;
    }

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        addScaleAndShift(in, rng);
        long c = in[in.length - 1];
        buffers.add(Initializers.constant(0, c));
        buffers.add(Initializers.constant(1, c));
    }

    /** {@return the ε added to the variance} */
    public double epsilon() {
        return eps;
    }

    @Override
    public java.util.List<String> paramNames() {
        return java.util.List.of("gamma", "beta");
    }

    @Override
    public java.util.List<String> bufferNames() {
        return java.util.List.of("moving_mean", "moving_variance");
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        return F.batchNorm(x, params.get(0), params.get(1), buffers.get(0), buffers.get(1), training, momentum, eps);
    }

    @Override
    public String configJson() {
        return "{\"momentum\": " + momentum + ", \"epsilon\": " + eps + "}";
    }
}
