package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;
import java.util.function.UnaryOperator;

/** Applies an activation by name (see {@link Activations}). */
public final class Activation extends Layer {
    private final String activation;
    private final UnaryOperator<Var> act;

    /**
     * An activation layer.
     *
     * @param activation the activation's name (see {@link Activations})
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public Activation(String activation) {
        super("activation");
        this.activation = activation;
        this.act = Activations.byName(activation);
    }

    /** {@return the activation's name, as given (see {@link Activations})} */
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
