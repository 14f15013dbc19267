package dev.panamax.apps.timeseries;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.Layer;
import dev.panamax.tensors.Rng;
import java.util.Arrays;

/** {@code (T, C) → (C)}: the last time step of a causal convolution stack, the one that has seen the whole window. */
final class LastStep extends Layer {
    LastStep() {
        super("last_step");
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 2) throw new IllegalArgumentException(name() + ": expects (time, channels), got " + Arrays.toString(in));
        return new long[] {in[1]};
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        long[] s = x.shape();
        return F.reshape(F.slice(x, 1, s[1] - 1, s[1], 1), s[0], s[2]);
    }

    @Override
    public String configJson() {
        return "{}";
    }
}
