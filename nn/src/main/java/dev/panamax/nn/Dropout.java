package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;

/** Zeroes a fraction {@code rate} of activations while training (scaling the rest); identity at inference. */
public final class Dropout extends Layer {
    private final double rate;

    /**
     * A dropout layer.
     *
     * @param rate the fraction of activations zeroed in training, in [0, 1)
     * @throws IllegalArgumentException when {@code rate} is outside [0, 1)
     */
    public Dropout(double rate) {
        super("dropout");
        if (rate < 0 || rate >= 1) throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        this.rate = rate;
    }

    @Override
    public long[] outputShape(long[] in) {
        return in.clone();
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        return F.dropout(x, rate, training, rng);
    }

    @Override
    public String configJson() {
        return "{\"rate\": " + rate + "}";
    }
}
