package dev.panamax.kernels.norm;

import static dev.panamax.kernels.norm.Rows.d;
import static dev.panamax.kernels.norm.Rows.f;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.LaneSum;
import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * RMSNorm over rows of {@code cols} values (Zhang &amp; Sennrich 2019, as in LLaMA):
 * <pre>
 * forward:  rstd[r] = 1 / sqrt(mean_c x[r,c]² + eps)       y[r,c] = x[r,c]·rstd[r]·w[c]
 * backward: dot[r]  = Σ_c g[r,c]·w[c]·x[r,c]
 *           dx[r,c] = rstd[r]·(g[r,c]·w[c] - x[r,c]·rstd[r]²·dot[r]/cols)
 *           dw[c]   = Σ_r g[r,c]·x[r,c]·rstd[r]
 * </pre>
 * Row-major and contiguous, offsets in elements; outputs overwritten and never aliasing inputs. Precision is
 * {@code width} bytes: 4 runs the Vector API path on native segments (scalar F32 twin otherwise and for tails),
 * 8 the F64 scalar loops. Rows are split over the kernel threads; {@code dw} sums rows in order on one thread, so
 * results do not depend on timing.
 */
public final class RmsNorm {
    private RmsNorm() {}

    public static void forward(int width, MemorySegment y, long yo, MemorySegment rstd, long ro, MemorySegment x, long xo,
                               MemorySegment w, long wo, long rows, long cols, double eps) {
        boolean vector = width == 4 && Simd.ENABLED && y.isNative() && x.isNative() && w.isNative();
        Rows.split(rows, cols, (from, to) -> {
            for (long r = from; r < to; r++) {
                long xr = xo + r * cols, yr = yo + r * cols;
                if (width == 8) forwardRowF64(y, yr, rstd, ro + r, x, xr, w, wo, cols, eps);
                else if (vector) Vector.forwardRow(y, yr, rstd, ro + r, x, xr, w, wo, cols, (float) eps);
                else forwardRowF32(y, yr, rstd, ro + r, x, xr, w, wo, cols, (float) eps);
            }
        });
    }

    public static void backward(int width, MemorySegment dx, long dxo, MemorySegment dw, long dwo, MemorySegment g, long go,
                                MemorySegment x, long xo, MemorySegment w, long wo, MemorySegment rstd, long ro, long rows, long cols) {
        boolean vector = width == 4 && Simd.ENABLED && dx.isNative() && g.isNative() && x.isNative() && w.isNative();
        Rows.split(rows, cols, (from, to) -> {
            for (long r = from; r < to; r++) {
                long off = r * cols;
                if (width == 8) backwardRowF64(dx, dxo + off, g, go + off, x, xo + off, w, wo, rstd, ro + r, cols);
                else if (vector) Vector.backwardRow(dx, dxo + off, g, go + off, x, xo + off, w, wo, f(rstd, ro + r), cols);
                else backwardRowF32(dx, dxo + off, g, go + off, x, xo + off, w, wo, f(rstd, ro + r), 0, cols);
            }
        });
        for (long c = 0; c < cols; c++) {  // dw: rows in order, one column at a time (memory-bound and small)
            if (width == 8) {
                double s = 0;
                for (long r = 0; r < rows; r++) s += d(g, go + r * cols + c) * d(x, xo + r * cols + c) * d(rstd, ro + r);
                dw.setAtIndex(JAVA_DOUBLE_UNALIGNED, dwo + c, s);
            } else {
                float s = 0;
                for (long r = 0; r < rows; r++) s += f(g, go + r * cols + c) * f(x, xo + r * cols + c) * f(rstd, ro + r);
                dw.setAtIndex(JAVA_FLOAT_UNALIGNED, dwo + c, s);
            }
        }
    }

    // ------------------------------------------------------------------ scalar twins

    private static void forwardRowF64(MemorySegment y, long yr, MemorySegment rstd, long ri, MemorySegment x, long xr,
                                      MemorySegment w, long wo, long cols, double eps) {
        double ss = 0;
        for (long c = 0; c < cols; c++) ss += d(x, xr + c) * d(x, xr + c);
        double r = 1 / Math.sqrt(ss / cols + eps);
        rstd.setAtIndex(JAVA_DOUBLE_UNALIGNED, ri, r);
        for (long c = 0; c < cols; c++) y.setAtIndex(JAVA_DOUBLE_UNALIGNED, yr + c, d(x, xr + c) * r * d(w, wo + c));
    }

    private static void forwardRowF32(MemorySegment y, long yr, MemorySegment rstd, long ri, MemorySegment x, long xr,
                                      MemorySegment w, long wo, long cols, float eps) {
        float ss = 0;
        for (long c = 0; c < cols; c++) ss += f(x, xr + c) * f(x, xr + c);
        float r = (float) (1 / Math.sqrt(ss / cols + eps));
        rstd.setAtIndex(JAVA_FLOAT_UNALIGNED, ri, r);
        for (long c = 0; c < cols; c++) y.setAtIndex(JAVA_FLOAT_UNALIGNED, yr + c, f(x, xr + c) * r * f(w, wo + c));
    }

    private static void backwardRowF64(MemorySegment dx, long dxr, MemorySegment g, long gr, MemorySegment x, long xr,
                                       MemorySegment w, long wo, MemorySegment rstd, long ri, long cols) {
        double r = d(rstd, ri), dot = 0;
        for (long c = 0; c < cols; c++) dot += d(g, gr + c) * d(w, wo + c) * d(x, xr + c);
        double k = r * r * dot / cols;
        for (long c = 0; c < cols; c++) dx.setAtIndex(JAVA_DOUBLE_UNALIGNED, dxr + c, r * (d(g, gr + c) * d(w, wo + c) - d(x, xr + c) * k));
    }

    /** F32 backward of columns {@code [c0, cols)} of one row; {@code dot} is taken over the whole row. */
    private static void backwardRowF32(MemorySegment dx, long dxr, MemorySegment g, long gr, MemorySegment x, long xr,
                               MemorySegment w, long wo, float r, long c0, long cols) {
        float dot = 0;
        for (long c = 0; c < cols; c++) dot += f(g, gr + c) * f(w, wo + c) * f(x, xr + c);
        backwardTail(dx, dxr, g, gr, x, xr, w, wo, r, r * r * dot / cols, c0, cols);
    }

    private static void backwardTail(MemorySegment dx, long dxr, MemorySegment g, long gr, MemorySegment x, long xr,
                                     MemorySegment w, long wo, float r, float k, long c0, long cols) {
        for (long c = c0; c < cols; c++) dx.setAtIndex(JAVA_FLOAT_UNALIGNED, dxr + c, r * (f(g, gr + c) * f(w, wo + c) - f(x, xr + c) * k));
    }

    /** The Vector API path; loaded only when {@link Simd#ENABLED}. Small methods, for C2's inlining budget. */
    private static final class Vector {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        private static FloatVector load(MemorySegment s, long i) {
            return FloatVector.fromMemorySegment(S, s, i << 2, ORDER);
        }

        static void forwardRow(MemorySegment y, long yr, MemorySegment rstd, long ri, MemorySegment x, long xr,
                               MemorySegment w, long wo, long cols, float eps) {
            long body = S.loopBound(cols);
            FloatVector acc = FloatVector.zero(S);
            for (long c = 0; c < body; c += L) {
                FloatVector v = load(x, xr + c);
                acc = v.fma(v, acc);
            }
            float[] lanes = LaneSum.scratch();  // summed in lane order in every JIT tier; reduceLanes(ADD) is not
            acc.intoArray(lanes, 0);
            float ss = LaneSum.sum(lanes, L);
            for (long c = body; c < cols; c++) ss += f(x, xr + c) * f(x, xr + c);
            float r = (float) (1 / Math.sqrt(ss / cols + eps));
            rstd.setAtIndex(JAVA_FLOAT_UNALIGNED, ri, r);
            for (long c = 0; c < body; c += L) load(x, xr + c).mul(r).mul(load(w, wo + c)).intoMemorySegment(y, (yr + c) << 2, ORDER);
            for (long c = body; c < cols; c++) y.setAtIndex(JAVA_FLOAT_UNALIGNED, yr + c, f(x, xr + c) * r * f(w, wo + c));
        }

        static void backwardRow(MemorySegment dx, long dxr, MemorySegment g, long gr, MemorySegment x, long xr,
                                MemorySegment w, long wo, float r, long cols) {
            long body = S.loopBound(cols);
            FloatVector acc = FloatVector.zero(S);
            for (long c = 0; c < body; c += L) acc = load(g, gr + c).mul(load(w, wo + c)).fma(load(x, xr + c), acc);
            float[] lanes = LaneSum.scratch();  // summed in lane order in every JIT tier; reduceLanes(ADD) is not
            acc.intoArray(lanes, 0);
            float dot = LaneSum.sum(lanes, L);
            for (long c = body; c < cols; c++) dot += f(g, gr + c) * f(w, wo + c) * f(x, xr + c);
            float k = r * r * dot / cols;
            for (long c = 0; c < body; c += L) {
                FloatVector gw = load(g, gr + c).mul(load(w, wo + c));
                gw.sub(load(x, xr + c).mul(k)).mul(r).intoMemorySegment(dx, (dxr + c) << 2, ORDER);
            }
            backwardTail(dx, dxr, g, gr, x, xr, w, wo, r, k, body, cols);
        }
    }
}
