package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.Rng;
import java.util.Arrays;
import java.util.Locale;

/** Repeats each pixel of an (H, W, C) input in a {@code size × size} block (Keras' UpSampling2D, nearest). */
public final class UpSampling2D extends Layer {
    private final int fh, fw;

    /**
     * Upsampling by the same factor in both directions.
     *
     * @param size the factor, at least 1
     * @throws IllegalArgumentException when {@code size} is below 1
     */
    public UpSampling2D(int size) {
        this(size, size);
    }

    /**
     * Upsampling by separate factors.
     *
     * @param fh the height factor, at least 1
     * @param fw the width factor, at least 1
     * @throws IllegalArgumentException when a factor is below 1
     */
    public UpSampling2D(int fh, int fw) {
        super("up_sampling2d");
        if (fh < 1 || fw < 1) throw new IllegalArgumentException("UpSampling2D: size must be positive integers, got " + fh + "x" + fw);
        this.fh = fh;
        this.fw = fw;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException(name() + ": UpSampling2D expects (height, width, channels) input, got " + Arrays.toString(in)
                    + "; add a Reshape before it");
        }
        return new long[] {in[0] * fh, in[1] * fw, in[2]};
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        return F.upSampling2d(x, fh, fw);
    }

    @Override
    public String configJson() {
        return String.format(Locale.ROOT, "{\"size\": [%d, %d], \"interpolation\": \"nearest\"}", fh, fw);
    }
}
