package dev.panamax.kernels;

import dev.panamax.kernels.spec.ReduceOp;
import java.lang.foreign.MemorySegment;

/**
 * Reductions of {@code n} contiguous elements starting at element offset {@code off}. {@code n} may be 0 for
 * SUM (result 0); MAX, MIN and the arg-reductions need {@code n >= 1} (the tensor layer checks). Runs the
 * Vector API kernel when {@link Simd#ENABLED} and {@code a} is native (see {@link Elementwise} for why heap
 * segments take the scalar path), else {@link ReduceScalar}.
 */
public final class Reduce {
    private Reduce() {}

    public static float reduceF32(ReduceOp op, MemorySegment a, long off, long n) {
        if (!Simd.ENABLED || !a.isNative()) return ReduceScalar.reduceF32(op, a, off, n);
        return switch (op) {
            case SUM -> ReduceVector.sumF32(a, off, n);
            case MAX -> ReduceVector.maxF32(a, off, n);
            case MIN -> ReduceVector.minF32(a, off, n);
        };
    }

    public static double reduceF64(ReduceOp op, MemorySegment a, long off, long n) {
        if (!Simd.ENABLED || !a.isNative()) return ReduceScalar.reduceF64(op, a, off, n);
        return switch (op) {
            case SUM -> ReduceVector.sumF64(a, off, n);
            case MAX -> ReduceVector.maxF64(a, off, n);
            case MIN -> ReduceVector.minF64(a, off, n);
        };
    }

    /**
     * {@code Σ a[i]²} over {@code n} F32 ({@code width} 4) or F64 (8) elements in one pass, no temporary: a squared
     * norm (global gradient-norm clipping). F32 sums in F32 vector lanes, as {@code SUM} does.
     */
    public static double sumOfSquares(int width, MemorySegment a, long off, long n) {
        if (width == 8) return Simd.ENABLED && a.isNative() ? ReduceVector.sumOfSquaresF64(a, off, n) : ReduceScalar.sumOfSquaresF64(a, off, 0, n);
        return Simd.ENABLED && a.isNative() ? ReduceVector.sumOfSquaresF32(a, off, n) : ReduceScalar.sumOfSquaresF32(a, off, 0, n);
    }

    /** Index of the first maximum ({@code max}) or minimum; NaN counts as the extreme, as in PyTorch. */
    public static long argF32(boolean max, MemorySegment a, long off, long n) {
        if (!Simd.ENABLED || !a.isNative()) return ReduceScalar.argF32(max, a, off, n);
        return ReduceVector.argF32(max, a, off, n);
    }

    public static long argF64(boolean max, MemorySegment a, long off, long n) {
        if (!Simd.ENABLED || !a.isNative()) return ReduceScalar.argF64(max, a, off, n);
        return ReduceVector.argF64(max, a, off, n);
    }
}
