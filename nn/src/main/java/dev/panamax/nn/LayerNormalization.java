package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;

/** Normalises each example over its last axis, then scales by γ and shifts by β (Keras: ε 1e-3). */
public final class LayerNormalization extends Layer {
    private final double eps;

    /** Keras' default ε, 1e-3. */
    public LayerNormalization() {
        this(1e-3);
    }

    /**
     * Layer normalisation with the given ε.
     *
     * @param eps added to the variance before the square root, positive
     */
    public LayerNormalization(double eps) {
        super("layer_normalization");
        this.eps = eps;
    }

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        addScaleAndShift(in, rng);
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
    public Var forward(Var x, boolean training, Rng rng) {
        return F.layerNorm(x, 1, params.get(0), params.get(1), eps);
    }

    @Override
    public String configJson() {
        return "{\"epsilon\": " + eps + "}";
    }
}
