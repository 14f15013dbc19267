package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/** The shape rule the recurrent ops share, and dropping the gradients nobody asked for. */
final class Recurrent {
    private Recurrent() {}

    /**
     * Checks {@code x (B, T, I)}, {@code h0 (B, H)}, {@code c0 (B, H)} (null for a GRU), {@code wIh (G·H, I)},
     * {@code wHh (G·H, H)}, {@code bIh, bHh (G·H)} with {@code G} gates, all of one floating type.
     */
    static void check(String op, int gates, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        if (x.rank() != 3 || x.dim(1) < 1) {
            throw new IllegalArgumentException(op + ": input must be (batch, time, features) with at least one step, got " + Arrays.toString(x.shape()));
        }
        long b = x.dim(0), in = x.dim(2);
        long h = wHh.rank() == 2 ? wHh.dim(1) : -1;
        boolean ok = h > 0 && wHh.dim(0) == gates * h && wIh.rank() == 2 && wIh.dim(0) == gates * h && wIh.dim(1) == in
                && bIh.rank() == 1 && bIh.dim(0) == gates * h && bHh.rank() == 1 && bHh.dim(0) == gates * h
                && Arrays.equals(h0.shape(), new long[] {b, h}) && (c0 == null || Arrays.equals(c0.shape(), new long[] {b, h}));
        if (!ok) {
            throw new IllegalArgumentException(op + ": expected weight_ih (" + gates + "H, " + in + "), weight_hh (" + gates + "H, H), biases ("
                    + gates + "H) and initial states (" + b + ", H); got weight_ih " + Arrays.toString(wIh.shape()) + ", weight_hh "
                    + Arrays.toString(wHh.shape()) + ", bias_ih " + Arrays.toString(bIh.shape()) + ", bias_hh " + Arrays.toString(bHh.shape())
                    + ", h0 " + Arrays.toString(h0.shape()) + (c0 == null ? "" : ", c0 " + Arrays.toString(c0.shape())));
        }
        for (Tensor t : new Tensor[] {h0, c0, wIh, wHh, bIh, bHh}) {
            if (t != null && t.dtype() != x.dtype() || !x.dtype().isFloating()) {
                throw new IllegalArgumentException(op + ": input, states, weights and biases must all be F32 or all F64, got input " + x.dtype()
                        + " and " + (t == null ? x.dtype() : t.dtype()));
            }
        }
    }

    /** {@code d} with the gradients of inputs that need none closed and set to null. */
    static Tensor[] wanted(Ctx ctx, Tensor[] d) {
        for (int i = 0; i < d.length; i++) {
            if (!ctx.needsInputGrad(i) && d[i] != null) {
                d[i].close();
                d[i] = null;
            }
        }
        return d;
    }
}
