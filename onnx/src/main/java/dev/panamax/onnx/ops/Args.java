package dev.panamax.onnx.ops;

import dev.panamax.tensors.Tensor;

/** Small conversions that operators share: integer-list inputs and axis normalisation. */
final class Args {
    private Args() {}

    /** The values of an integer (or float) tensor input such as a shape, axes or starts. */
    static long[] longs(Tensor t) {
        if (t.dtype().isFloating()) {
            double[] d = t.toDoubleArray();
            long[] v = new long[d.length];
            for (int i = 0; i < d.length; i++) v[i] = (long) d[i];
            return v;
        }
        return t.toLongArray();
    }

    /** {@code axis} in {@code [-rank, rank)} made non-negative; an error names the operator otherwise. */
    static int axis(String op, long axis, int rank) {
        if (axis < -rank || axis >= Math.max(rank, 1)) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    static int[] axes(String op, long[] axes, int rank) {
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = axis(op, axes[i], rank);
        return a;
    }

    /** A scalar tensor's value (a one-element tensor of any rank). */
    static double scalar(Tensor t, String what) {
        if (t.numel() != 1) throw new IllegalArgumentException(what + " must hold one value, got shape " + java.util.Arrays.toString(t.shape()));
        return t.dtype().isFloating() ? t.toDoubleArray()[0] : t.toLongArray()[0];
    }
}
