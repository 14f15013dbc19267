package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;

/** The mean over height and width of NHWC input: (H, W, C) → (C). */
public final class GlobalAveragePooling2D extends Layer {
    /** A global average pooling layer. */
    public GlobalAveragePooling2D() {
        super("global_average_pooling2d");
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 3) throw new IllegalArgumentException(name() + ": expects (height, width, channels), got " + java.util.Arrays.toString(in));
        return new long[] {in[2]};
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        return F.mean(x, new int[] {1, 2}, false);
    }

    @Override
    public String configJson() {
        return "{}";
    }
}
