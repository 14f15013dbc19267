package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;

/** Flattens everything but the batch dimension. */
public final class Flatten extends Layer {
    /** A flatten layer: (d1, d2, …) → (d1·d2·…) per example. */
    public Flatten() {
        super("flatten");
    }

    @Override
    public long[] outputShape(long[] in) {
        long n = 1;
        for (long d : in) n *= d;
        return new long[] {n};
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        return F.reshape(x, x.shape()[0], -1);
    }

    @Override
    public String configJson() {
        return "{}";
    }
}
