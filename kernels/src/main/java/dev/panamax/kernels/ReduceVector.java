package dev.panamax.kernels;

import dev.panamax.kernels.spec.ReduceOp;
import static dev.panamax.kernels.ElementwiseVector.ld;
import static dev.panamax.kernels.ElementwiseVector.lf;
import static dev.panamax.kernels.VectorShapes.D;
import static dev.panamax.kernels.VectorShapes.DL;
import static dev.panamax.kernels.VectorShapes.F;
import static dev.panamax.kernels.VectorShapes.FL;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API reductions, same contract as {@link ReduceScalar}. Sums use four accumulators, which both hides
 * FMA latency and keeps rounding error lower than a single running sum.
 */
final class ReduceVector {
    private ReduceVector() {}

    static float sumF32(MemorySegment a, long off, long n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        long i = 0;
        for (long b4 = n - 4L * FL; i <= b4; i += 4L * FL) {
            s0 = s0.add(lf(a, off + i));
            s1 = s1.add(lf(a, off + i + FL));
            s2 = s2.add(lf(a, off + i + 2L * FL));
            s3 = s3.add(lf(a, off + i + 3L * FL));
        }
        for (long b = F.loopBound(n); i < b; i += FL) s0 = s0.add(lf(a, off + i));
        float acc = LaneSum.of(s0.add(s1).add(s2.add(s3)));
        return acc + ReduceScalar.reduceF32(ReduceOp.SUM, a, off + i, n - i);
    }

    static double sumF64(MemorySegment a, long off, long n) {
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        long i = 0;
        for (long b4 = n - 4L * DL; i <= b4; i += 4L * DL) {
            s0 = s0.add(ld(a, off + i));
            s1 = s1.add(ld(a, off + i + DL));
            s2 = s2.add(ld(a, off + i + 2L * DL));
            s3 = s3.add(ld(a, off + i + 3L * DL));
        }
        for (long b = D.loopBound(n); i < b; i += DL) s0 = s0.add(ld(a, off + i));
        double acc = LaneSum.of(s0.add(s1).add(s2.add(s3)));
        return acc + ReduceScalar.reduceF64(ReduceOp.SUM, a, off + i, n - i);
    }

    static float sumOfSquaresF32(MemorySegment a, long off, long n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        long i = 0;
        for (long b4 = n - 4L * FL; i <= b4; i += 4L * FL) {
            FloatVector x0 = lf(a, off + i), x1 = lf(a, off + i + FL), x2 = lf(a, off + i + 2L * FL), x3 = lf(a, off + i + 3L * FL);
            s0 = x0.fma(x0, s0);
            s1 = x1.fma(x1, s1);
            s2 = x2.fma(x2, s2);
            s3 = x3.fma(x3, s3);
        }
        for (long b = F.loopBound(n); i < b; i += FL) {
            FloatVector x = lf(a, off + i);
            s0 = x.fma(x, s0);
        }
        return LaneSum.of(s0.add(s1).add(s2.add(s3))) + ReduceScalar.sumOfSquaresF32(a, off, i, n);
    }

    static double sumOfSquaresF64(MemorySegment a, long off, long n) {
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0;
        long i = 0;
        for (long b2 = n - 2L * DL; i <= b2; i += 2L * DL) {
            DoubleVector x0 = ld(a, off + i), x1 = ld(a, off + i + DL);
            s0 = x0.fma(x0, s0);
            s1 = x1.fma(x1, s1);
        }
        for (long b = D.loopBound(n); i < b; i += DL) {
            DoubleVector x = ld(a, off + i);
            s0 = x.fma(x, s0);
        }
        return LaneSum.of(s0.add(s1)) + ReduceScalar.sumOfSquaresF64(a, off, i, n);
    }

    static float maxF32(MemorySegment a, long off, long n) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        long i = 0;
        for (long b = F.loopBound(n); i < b; i += FL) m = m.max(lf(a, off + i));
        return Math.max(m.reduceLanes(VectorOperators.MAX), ReduceScalar.reduceF32(ReduceOp.MAX, a, off + i, n - i));
    }

    static float minF32(MemorySegment a, long off, long n) {
        FloatVector m = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        long i = 0;
        for (long b = F.loopBound(n); i < b; i += FL) m = m.min(lf(a, off + i));
        return Math.min(m.reduceLanes(VectorOperators.MIN), ReduceScalar.reduceF32(ReduceOp.MIN, a, off + i, n - i));
    }

    static double maxF64(MemorySegment a, long off, long n) {
        DoubleVector m = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        long i = 0;
        for (long b = D.loopBound(n); i < b; i += DL) m = m.max(ld(a, off + i));
        return Math.max(m.reduceLanes(VectorOperators.MAX), ReduceScalar.reduceF64(ReduceOp.MAX, a, off + i, n - i));
    }

    static double minF64(MemorySegment a, long off, long n) {
        DoubleVector m = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        long i = 0;
        for (long b = D.loopBound(n); i < b; i += DL) m = m.min(ld(a, off + i));
        return Math.min(m.reduceLanes(VectorOperators.MIN), ReduceScalar.reduceF64(ReduceOp.MIN, a, off + i, n - i));
    }

    /**
     * Index of the first maximum (or minimum): the first vector block whose lane extreme beats everything
     * before it is remembered, then that block is scanned. A NaN block hands over to the scalar definition
     * from there (NaN wins). Masks are avoided on purpose: an early exit on a mask test made C2 box it.
     */
    static long argF32(boolean max, MemorySegment a, long off, long n) {
        float best = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        long bestBlock = -1, i = 0;
        for (long b = F.loopBound(n); i < b; i += FL) {
            FloatVector v = lf(a, off + i);
            float e = max ? v.reduceLanes(VectorOperators.MAX) : v.reduceLanes(VectorOperators.MIN);
            if (e != e) return i + ReduceScalar.argF32(max, a, off + i, n - i);
            if (bestBlock < 0 || (max ? e > best : e < best)) {
                best = e;
                bestBlock = i;
            }
        }
        if (i < n) {
            long t = i + ReduceScalar.argF32(max, a, off + i, n - i);
            float tv = a.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off + t);
            if (bestBlock < 0 || tv != tv || (max ? tv > best : tv < best)) return t;
        }
        return bestBlock + ReduceScalar.argF32(max, a, off + bestBlock, FL);
    }

    static long argF64(boolean max, MemorySegment a, long off, long n) {
        double best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        long bestBlock = -1, i = 0;
        for (long b = D.loopBound(n); i < b; i += DL) {
            DoubleVector v = ld(a, off + i);
            double e = max ? v.reduceLanes(VectorOperators.MAX) : v.reduceLanes(VectorOperators.MIN);
            if (e != e) return i + ReduceScalar.argF64(max, a, off + i, n - i);
            if (bestBlock < 0 || (max ? e > best : e < best)) {
                best = e;
                bestBlock = i;
            }
        }
        if (i < n) {
            long t = i + ReduceScalar.argF64(max, a, off + i, n - i);
            double tv = a.getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, off + t);
            if (bestBlock < 0 || tv != tv || (max ? tv > best : tv < best)) return t;
        }
        return bestBlock + ReduceScalar.argF64(max, a, off + bestBlock, DL);
    }
}
