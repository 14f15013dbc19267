package dev.panamax.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Fused kernels of the training step, each one pass over memory instead of several ops with temporaries.
 * Row-major F32, offsets in elements; vector paths for native segments, scalar twins ({@link FusedScalar})
 * otherwise and for tails.
 */
public final class Fused {
    private Fused() {}

    private static boolean vec(MemorySegment a, MemorySegment b, MemorySegment c) {
        return Simd.ENABLED && Simd.native3(a, b, c);
    }

    /** {@code out[r,:] = softmax(x[r,:])} for {@code rows × cols}; out may alias x. Max-shifted, so no overflow. */
    public static void softmaxRows(MemorySegment out, long o, MemorySegment x, long xo, long rows, long cols) {
        for (long r = 0; r < rows; r++) {
            long xr = xo + r * cols, or = o + r * cols;
            float max = Reduce.reduceF32(ReduceOp.MAX, x, xr, cols);
            double sum = vec(out, x, x) ? FusedVector.expShiftSum(out, or, x, xr, cols, max)
                    : FusedScalar.expShiftSum(out, or, x, xr, cols, max);
            affine(out, or, out, or, cols, (float) (1.0 / sum), 0f);
        }
    }

    /** {@code out[r,:] = x[r,:] - logsumexp(x[r,:])}; {@code out} is used as scratch first, so it must not alias x. */
    public static void logSoftmaxRows(MemorySegment out, long o, MemorySegment x, long xo, long rows, long cols) {
        for (long r = 0; r < rows; r++) {
            long xr = xo + r * cols, or = o + r * cols;
            float max = Reduce.reduceF32(ReduceOp.MAX, x, xr, cols);
            double sum = vec(out, x, x) ? FusedVector.expShiftSum(out, or, x, xr, cols, max)
                    : FusedScalar.expShiftSum(out, or, x, xr, cols, max);
            affine(out, or, x, xr, cols, 1f, (float) (-max - Math.log(sum)));
        }
    }

    /** {@code out[i] = x[i]·factor + add}. */
    public static void affine(MemorySegment out, long o, MemorySegment x, long xo, long n, float factor, float add) {
        if (vec(out, x, x)) FusedVector.affine(out, o, x, xo, n, factor, add);
        else FusedScalar.affine(out, o, x, xo, n, factor, add);
    }

    /** {@code out[r, c] = max(x[r, c] + bias[c], 0)} for a {@code rows × cols} block: a Dense layer's epilogue. */
    public static void biasReluRows(MemorySegment out, long o, MemorySegment x, long xo, MemorySegment bias, long bo,
                                    long rows, long cols) {
        boolean v = vec(out, x, bias);
        for (long r = 0; r < rows; r++) {
            if (v) FusedVector.biasRelu(out, o + r * cols, x, xo + r * cols, bias, bo, cols);
            else FusedScalar.biasRelu(out, o + r * cols, x, xo + r * cols, bias, bo, cols);
        }
    }
}
