package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;
import java.util.Arrays;

/** Reshapes each example to {@code target} (one entry may be -1). */
public final class Reshape extends Layer {
    private final long[] target;

    /**
     * A reshape layer.
     *
     * @param target each example's new shape, same element count; one entry may be -1 (inferred)
     */
    public Reshape(long... target) {
        super("reshape");
        this.target = target.clone();
    }

    @Override
    public long[] outputShape(long[] in) {
        long n = Arrays.stream(in).reduce(1, (a, b) -> a * b);
        long known = 1;
        int infer = -1;
        long[] out = target.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) infer = i;
            else known *= out[i];
        }
        if (infer >= 0) out[infer] = known == 0 ? 0 : n / known;
        if (Arrays.stream(out).reduce(1, (a, b) -> a * b) != n) {
            throw new IllegalArgumentException(name() + ": cannot reshape " + Arrays.toString(in) + " (" + n + " values) to "
                    + Arrays.toString(target));
        }
        return out;
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        long[] s = new long[target.length + 1];
        s[0] = x.shape()[0];
        System.arraycopy(outputShape(Arrays.copyOfRange(x.shape(), 1, x.shape().length)), 0, s, 1, target.length);
        return F.reshape(x, s);
    }

    @Override
    public String configJson() {
        return "{\"target_shape\": " + Arrays.toString(target) + "}";
    }
}
