package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;
import java.util.function.UnaryOperator;

/**
 * {@code activation(x · kernel + bias)} over the last axis, {@code (..., in) → (..., units)}; kernel (in, units)
 * Glorot-uniform, bias zeros, as in Keras.
 */
public final class Dense extends Layer {
    private final int units;
    private final String activation;
    private final UnaryOperator<Var> act;

    /**
     * A fully connected layer.
     *
     * @param units      output features, positive
     * @param activation an activation name (see {@link Activations}); null or "linear" for none
     * @throws IllegalArgumentException when {@code units} is not positive or the activation is unknown
     */
    public Dense(int units, String activation) {
        super("dense");
        if (units <= 0) throw new IllegalArgumentException("Dense: units must be positive, got " + units);
        this.units = units;
        this.activation = activation == null ? "linear" : activation;
        this.act = Activations.byName(this.activation);
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length == 0) throw new IllegalArgumentException(name() + ": Dense needs at least one input axis (features)");
        long[] out = in.clone();  // applied over the last axis, as in Keras: (..., features) → (..., units)
        out[out.length - 1] = units;
        return out;
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        long features = in[in.length - 1];
        params.add(Var.param(Initializers.create(kernelInit, rng, features, units, features, units)));
        params.add(Var.param(Initializers.create(biasInit, rng, features, units, units)));
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        // ReLU rides in the fused bias op: one pass over the output each way instead of three.
        if (activation.equalsIgnoreCase("relu")) return F.biasRelu(F.matmul(x, params.get(0)), params.get(1));
        return act.apply(logits(x));
    }

    /**
     * The pre-activation output {@code x · kernel + bias}.
     *
     * @param x the input (..., in)
     * @return the pre-activation output (..., units)
     */
    public Var logits(Var x) {
        return F.biasAdd(F.matmul(x, params.get(0)), params.get(1));
    }

    /** {@return the activation's name ("linear" when none was given)} */
    public String activation() {
        return activation;
    }

    @Override
    public String configJson() {
        return "{\"units\": " + units + ", \"activation\": \"" + activation + "\", \"kernel_initializer\": \"" + kernelInit
                + "\", \"bias_initializer\": \"" + biasInit + "\"}";
    }
}
