package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;
import java.util.function.UnaryOperator;

/** Applies an activation by name (see {@link Activations}). */
public final class Activation extends Layer {
    private final String activation;
    private final UnaryOperator<Var> act;

    public Activation(String activation) {
        super("activation");
        this.activation = activation;
        this.act = Activations.byName(activation);
    }

    /** The activation's name, as given (see {@link Activations}). */
    public String activation() {
        return activation;
    }

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        return act.apply(x);
    }

    @Override
    public String configJson() {
        return "{\"activation\": \"" + activation + "\"}";
    }
}
