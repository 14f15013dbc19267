package dev.panamax.kernels;

import static dev.panamax.kernels.ElementwiseVector.lf;
import static dev.panamax.kernels.VectorShapes.F;
import static dev.panamax.kernels.VectorShapes.FL;
import static dev.panamax.kernels.VectorShapes.ORDER;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Vector API versions of {@link FusedScalar}: one pass over memory each, small methods (inlining budget). */
final class FusedVector {
    private FusedVector() {}

    static double expShiftSum(MemorySegment out, long o, MemorySegment x, long xo, long n, float shift) {
        long body = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        for (long i = 0; i < body; i += FL) {
            FloatVector e = VectorMath.exp(lf(x, xo + i).sub(shift));
            e.intoMemorySegment(out, (o + i) << 2, ORDER);
            acc = acc.add(e);
        }
        return LaneSum.of(acc) + FusedScalar.expShiftSum(out, o + body, x, xo + body, n - body, shift);
    }

    static void affine(MemorySegment out, long o, MemorySegment x, long xo, long n, float factor, float add) {
        long body = F.loopBound(n);
        for (long i = 0; i < body; i += FL) lf(x, xo + i).fma(factor, add).intoMemorySegment(out, (o + i) << 2, ORDER);
        FusedScalar.affine(out, o + body, x, xo + body, n - body, factor, add);
    }


    /** Rows {@code [from, to)} of {@code out = x + bias} (then ReLU when {@code relu}), row length {@code cols}. */
    static void biasActRows(MemorySegment out, long o, MemorySegment x, long xo, MemorySegment bias, long bo, long from, long to,
                            long cols, boolean relu) {
        long body = F.loopBound(cols);
        for (long r = from; r < to; r++) {
            long xr = xo + r * cols, or = o + r * cols;
            for (long i = 0; i < body; i += FL) {
                FloatVector v = lf(x, xr + i).add(lf(bias, bo + i));
                if (relu) v = v.blend(0f, v.compare(VectorOperators.LE, 0f));
                v.intoMemorySegment(out, (or + i) << 2, ORDER);
            }
            if (body < cols) {
                if (relu) FusedScalar.biasRelu(out, or + body, x, xr + body, bias, bo + body, cols - body);
                else FusedScalar.biasAdd(out, or + body, x, xr + body, bias, bo + body, cols - body);
            }
        }
    }


    /** Columns {@code [c0, c0 + n)} of every row (row stride {@code cols}): see {@link FusedScalar#biasActBackward}. */
    static void biasActBackward(MemorySegment gx, long gxo, MemorySegment g, long go, MemorySegment y, long yo,
                                MemorySegment gbias, long gbo, long rows, long cols, long c0, long n, boolean relu) {
        long body = F.loopBound(n);
        if (body == n && n <= 4 * FL) {
            biasActBackwardNarrow(gx, gxo, g, go, y, yo, gbias, gbo, rows, cols, c0, (int) (n / FL), relu);
            return;
        }
        for (long r = 0; r < rows; r++) {
            long off = r * cols + c0;
            for (long i = 0; i < body; i += FL) {
                FloatVector v = lf(g, go + off + i);
                if (relu) {
                    v = v.blend(0f, lf(y, yo + off + i).compare(VectorOperators.LE, 0f));
                    v.intoMemorySegment(gx, (gxo + off + i) << 2, ORDER);
                }
                lf(gbias, gbo + c0 + i).add(v).intoMemorySegment(gbias, (gbo + c0 + i) << 2, ORDER);
            }
        }
        if (body < n) FusedScalar.biasActBackward(gx, gxo, g, go, y, yo, gbias, gbo, rows, cols, c0 + body, n - body, relu);
    }

    /**
     * {@link #biasActBackward} for one to four vectors of columns (a layer of 16-64 channels): the bias sums stay in
     * registers over the rows instead of going through memory once a row, added in the same order, so the same bits.
     */
    private static void biasActBackwardNarrow(MemorySegment gx, long gxo, MemorySegment g, long go, MemorySegment y, long yo,
                                              MemorySegment gbias, long gbo, long rows, long cols, long c0, int vectors, boolean relu) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (long r = 0; r < rows; r++) {
            long off = r * cols + c0;
            FloatVector v = lf(g, go + off);
            if (relu) {
                v = v.blend(0f, lf(y, yo + off).compare(VectorOperators.LE, 0f));
                v.intoMemorySegment(gx, (gxo + off) << 2, ORDER);
            }
            s0 = s0.add(v);
            if (vectors > 1) {
                v = lf(g, go + off + FL);
                if (relu) {
                    v = v.blend(0f, lf(y, yo + off + FL).compare(VectorOperators.LE, 0f));
                    v.intoMemorySegment(gx, (gxo + off + FL) << 2, ORDER);
                }
                s1 = s1.add(v);
            }
            if (vectors > 2) {
                v = lf(g, go + off + 2 * FL);
                if (relu) {
                    v = v.blend(0f, lf(y, yo + off + 2 * FL).compare(VectorOperators.LE, 0f));
                    v.intoMemorySegment(gx, (gxo + off + 2 * FL) << 2, ORDER);
                }
                s2 = s2.add(v);
            }
            if (vectors > 3) {
                v = lf(g, go + off + 3 * FL);
                if (relu) {
                    v = v.blend(0f, lf(y, yo + off + 3 * FL).compare(VectorOperators.LE, 0f));
                    v.intoMemorySegment(gx, (gxo + off + 3 * FL) << 2, ORDER);
                }
                s3 = s3.add(v);
            }
        }
        long at = (gbo + c0) << 2;
        s0.intoMemorySegment(gbias, at, ORDER);
        if (vectors > 1) s1.intoMemorySegment(gbias, at + 4L * FL, ORDER);
        if (vectors > 2) s2.intoMemorySegment(gbias, at + 8L * FL, ORDER);
        if (vectors > 3) s3.intoMemorySegment(gbias, at + 12L * FL, ORDER);
    }

    static void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                     float lr, float beta1, float beta2, float eps, float c1, float c2, float l2, float decoupled) {
        long body = F.loopBound(n);
        float step = lr / c1, rc2 = 1f / c2, keep = 1f - decoupled;
        for (long i = off; i < off + body; i += FL) {
            FloatVector w = lf(p, i);
            FloatVector grad = lf(g, i).add(w.mul(l2));
            FloatVector mi = lf(m, i).mul(beta1).add(grad.mul(1 - beta1));
            FloatVector vi = lf(v, i).mul(beta2).add(grad.mul(grad).mul(1 - beta2));
            mi.intoMemorySegment(m, i << 2, ORDER);
            vi.intoMemorySegment(v, i << 2, ORDER);
            FloatVector denom = vi.mul(rc2).sqrt().add(eps);
            w.mul(keep).sub(mi.mul(step).div(denom)).intoMemorySegment(p, i << 2, ORDER);
        }
        FusedScalar.adam(p, g, m, v, off + body, n - body, lr, beta1, beta2, eps, c1, c2, l2, decoupled);
    }
}
