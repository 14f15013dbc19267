package dev.panamax.kernels;

import dev.panamax.kernels.spec.ReduceOp;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** Scalar twins of {@link ReduceVector}; contiguous {@code n} elements from element offset {@code off}. */
public final class ReduceScalar {
    private ReduceScalar() {}

    public static float reduceF32(ReduceOp op, MemorySegment a, long off, long n) {
        float acc = (float) op.identity();
        for (long i = 0; i < n; i++) acc = op.combiner().apply(acc, a.getAtIndex(JAVA_FLOAT_UNALIGNED, off + i));
        return acc;
    }

    public static double reduceF64(ReduceOp op, MemorySegment a, long off, long n) {
        double acc = op.identity();
        for (long i = 0; i < n; i++) acc = op.combiner().apply(acc, a.getAtIndex(JAVA_DOUBLE_UNALIGNED, off + i));
        return acc;
    }

    /** {@code Σ a[off + i]²} for {@code i} in {@code [from, n)}. */
    public static float sumOfSquaresF32(MemorySegment a, long off, long from, long n) {
        float acc = 0f;
        for (long i = from; i < n; i++) {
            float x = a.getAtIndex(JAVA_FLOAT_UNALIGNED, off + i);
            acc += x * x;
        }
        return acc;
    }

    public static double sumOfSquaresF64(MemorySegment a, long off, long from, long n) {
        double acc = 0;
        for (long i = from; i < n; i++) {
            double x = a.getAtIndex(JAVA_DOUBLE_UNALIGNED, off + i);
            acc += x * x;
        }
        return acc;
    }

    /** Index of the first maximum (or minimum when {@code max} is false); a NaN wins over any number. */
    public static long argF32(boolean max, MemorySegment a, long off, long n) {
        long best = 0;
        float bv = a.getAtIndex(JAVA_FLOAT_UNALIGNED, off);
        for (long i = 1; i < n && bv == bv; i++) {
            float v = a.getAtIndex(JAVA_FLOAT_UNALIGNED, off + i);
            if (v != v || (max ? v > bv : v < bv)) {
                best = i;
                bv = v;
            }
        }
        return best;
    }

    /** Index of the first maximum (or minimum when {@code max} is false); a NaN wins over any number. */
    public static long argF64(boolean max, MemorySegment a, long off, long n) {
        long best = 0;
        double bv = a.getAtIndex(JAVA_DOUBLE_UNALIGNED, off);
        for (long i = 1; i < n && bv == bv; i++) {
            double v = a.getAtIndex(JAVA_DOUBLE_UNALIGNED, off + i);
            if (v != v || (max ? v > bv : v < bv)) {
                best = i;
                bv = v;
            }
        }
        return best;
    }
}
