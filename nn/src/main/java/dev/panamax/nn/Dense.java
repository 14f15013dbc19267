package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;
import java.util.function.UnaryOperator;

/** {@code activation(x · kernel + bias)}; kernel (in, units) Glorot-uniform, bias zeros, as in Keras. */
public final class Dense extends Layer {
    private final int units;
    private final String activation;
    private final UnaryOperator<Var> act;

    public Dense(int units, String activation) {
        super("dense");
        if (units <= 0) throw new IllegalArgumentException("Dense: units must be positive, got " + units);
        this.units = units;
        this.activation = activation == null ? "linear" : activation;
        this.act = Activations.byName(this.activation);
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 1) {
            throw new IllegalArgumentException(name() + ": Dense expects flat input (features), got shape "
                    + java.util.Arrays.toString(in) + "; add a Flatten layer before it");
        }
        return new long[] {units};
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        params.add(Var.param(Initializers.create(kernelInit, rng, in[0], units, in[0], units)));
        params.add(Var.param(Initializers.create(biasInit, rng, in[0], units, units)));
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        // ReLU rides in the fused bias op: one pass over the output each way instead of three.
        if (activation.equalsIgnoreCase("relu")) return F.biasRelu(F.matmul(x, params.get(0)), params.get(1));
        return act.apply(logits(x));
    }

    /** The pre-activation output {@code x · kernel + bias}. */
    public Var logits(Var x) {
        return F.biasAdd(F.matmul(x, params.get(0)), params.get(1));
    }

    public String activation() {
        return activation;
    }

    @Override
    public String configJson() {
        return "{\"units\": " + units + ", \"activation\": \"" + activation + "\", \"kernel_initializer\": \"" + kernelInit
                + "\", \"bias_initializer\": \"" + biasInit + "\"}";
    }
}
