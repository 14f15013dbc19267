package dev.panamax.kernels;

import dev.panamax.kernels.spec.ReduceOp;
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

    /** Rows per task below which splitting the bias kernels over threads costs more than it saves. */
    private static final long BIAS_GRAIN_ELEMENTS = 1 << 14;

    /**
     * {@code out[r, c] = x[r, c] + bias[c]}, then {@code max(·, 0)} when {@code relu}: the epilogue of a Dense or
     * Conv2D layer in one pass, split by rows over the kernel threads. {@code out} may alias {@code x}.
     */
    public static void biasActRows(MemorySegment out, long o, MemorySegment x, long xo, MemorySegment bias, long bo,
                                   long rows, long cols, boolean relu) {
        boolean v = vec(out, x, bias);
        long grain = Math.max(1, BIAS_GRAIN_ELEMENTS / Math.max(1, cols));
        if (rows < 2 * grain || Parallel.THREADS == 1) {  // no task objects for small work: zero allocation
            biasActRange(out, o, x, xo, bias, bo, 0, rows, cols, relu, v);
            return;
        }
        Parallel.forRange(rows, grain, (from, to) -> biasActRange(out, o, x, xo, bias, bo, from, to, cols, relu, v));
    }

    private static void biasActRange(MemorySegment out, long o, MemorySegment x, long xo, MemorySegment bias, long bo,
                                     long from, long to, long cols, boolean relu, boolean v) {
        if (v) {
            FusedVector.biasActRows(out, o, x, xo, bias, bo, from, to, cols, relu);
            return;
        }
        for (long r = from; r < to; r++) {
            long xr = xo + r * cols, or = o + r * cols;
            if (relu) FusedScalar.biasRelu(out, or, x, xr, bias, bo, cols);
            else FusedScalar.biasAdd(out, or, x, xr, bias, bo, cols);
        }
    }

    /**
     * Backward of {@link #biasActRows} from its output {@code y}: {@code gx[r, c] = y[r, c] > 0 ? g[r, c] : 0} when
     * {@code relu} (without ReLU the input gradient is {@code g} itself and {@code gx} is not touched), and
     * {@code gbias[c] = Σ_r gx[r, c]} (overwritten; float accumulation, as PyTorch). Split by column blocks of
     * whole cache lines, so every thread owns its bias sums and no partial sums need merging.
     */
    public static void biasActBackwardRows(MemorySegment gx, long gxo, MemorySegment g, long go, MemorySegment y, long yo,
                                           MemorySegment gbias, long gbo, long rows, long cols, boolean relu) {
        boolean v = vec(g, y, gbias) && (!relu || gx.isNative());
        gbias.asSlice(gbo * 4, cols * 4).fill((byte) 0);
        long blocks = (cols + LINE_FLOATS - 1) / LINE_FLOATS;
        if (blocks < 2 || rows * cols < 2 * BIAS_GRAIN_ELEMENTS || Parallel.THREADS == 1) {
            biasActBackwardRange(gx, gxo, g, go, y, yo, gbias, gbo, rows, cols, 0, blocks, relu, v);
            return;
        }
        Parallel.forRange(blocks, 1, (b0, b1) -> biasActBackwardRange(gx, gxo, g, go, y, yo, gbias, gbo, rows, cols, b0, b1, relu, v));
    }

    /** Floats per 64-byte cache line: the unit of the backward's column split. */
    private static final long LINE_FLOATS = 16;

    private static void biasActBackwardRange(MemorySegment gx, long gxo, MemorySegment g, long go, MemorySegment y, long yo,
                                             MemorySegment gbias, long gbo, long rows, long cols, long b0, long b1,
                                             boolean relu, boolean v) {
        long c0 = b0 * LINE_FLOATS, n = Math.min(cols, b1 * LINE_FLOATS) - c0;
        if (v) FusedVector.biasActBackward(gx, gxo, g, go, y, yo, gbias, gbo, rows, cols, c0, n, relu);
        else FusedScalar.biasActBackward(gx, gxo, g, go, y, yo, gbias, gbo, rows, cols, c0, n, relu);
    }
}
