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
 * LayerNorm over rows of {@code cols} values (Ba et al. 2016), the biased variance as PyTorch and Keras use:
 * <pre>
 * forward:  mean[r] = Σ_c x[r,c]/cols    rstd[r] = 1/sqrt(Σ_c (x[r,c] - mean[r])²/cols + eps)
 *           xhat = (x - mean)·rstd        y = xhat·γ + β
 * backward: h = g·γ
 *           dx[r,c] = rstd[r]·(h[r,c] - mean_c h[r,·] - xhat[r,c]·mean_c (h·xhat)[r,·])
 *           dγ[c] = Σ_r g[r,c]·xhat[r,c]      dβ[c] = Σ_r g[r,c]
 * </pre>
 * Row-major and contiguous, offsets in elements; outputs overwritten and never aliasing inputs. The variance is
 * taken around the mean in a second pass (no cancellation for rows far from zero). Precision is {@code width}
 * bytes: 4 runs the Vector API path on native segments (scalar F32 twin otherwise and for tails), 8 the F64
 * scalar loops. Rows are split over the kernel threads; dγ and dβ sum rows in order on one thread (a vector of
 * columns at a time, each lane the scalar loop's sum), so results do not depend on timing.
 */
public final class LayerNorm {
    private LayerNorm() {}

    public static void forward(int width, MemorySegment y, long yo, MemorySegment mean, long mo, MemorySegment rstd, long ro,
                               MemorySegment x, long xo, MemorySegment gamma, long go, MemorySegment beta, long bo,
                               long rows, long cols, double eps) {
        boolean vector = width == 4 && Simd.ENABLED && y.isNative() && x.isNative() && gamma.isNative() && beta.isNative();
        Rows.split(rows, cols, (from, to) -> {
            for (long r = from; r < to; r++) {
                long xr = xo + r * cols, yr = yo + r * cols;
                if (width == 8) forwardRowF64(y, yr, mean, mo + r, rstd, ro + r, x, xr, gamma, go, beta, bo, cols, eps);
                else if (vector) Vector.forwardRow(y, yr, mean, mo + r, rstd, ro + r, x, xr, gamma, go, beta, bo, cols, (float) eps);
                else forwardRowF32(y, yr, mean, mo + r, rstd, ro + r, x, xr, gamma, go, beta, bo, cols, (float) eps);
            }
        });
    }

    public static void backward(int width, MemorySegment dx, long dxo, MemorySegment dgamma, long dgo, MemorySegment dbeta, long dbo,
                                MemorySegment g, long go, MemorySegment x, long xo, MemorySegment gamma, long gmo,
                                MemorySegment mean, long mo, MemorySegment rstd, long ro, long rows, long cols) {
        boolean vector = width == 4 && Simd.ENABLED && dx.isNative() && g.isNative() && x.isNative() && gamma.isNative();
        Rows.split(rows, cols, (from, to) -> {
            for (long r = from; r < to; r++) {
                long off = r * cols;
                if (width == 8) backwardRowF64(dx, dxo + off, g, go + off, x, xo + off, gamma, gmo, d(mean, mo + r), d(rstd, ro + r), cols);
                else if (vector) Vector.backwardRow(dx, dxo + off, g, go + off, x, xo + off, gamma, gmo, f(mean, mo + r), f(rstd, ro + r), cols);
                else backwardRowF32(dx, dxo + off, g, go + off, x, xo + off, gamma, gmo, f(mean, mo + r), f(rstd, ro + r), 0, cols);
            }
        });
        long c0 = vector && dgamma.isNative() && dbeta.isNative() ? Vector.paramGrads(dgamma, dgo, dbeta, dbo, g, go, x, xo, mean, mo, rstd, ro, rows, cols) : 0;
        for (long c = c0; c < cols; c++) {  // dγ, dβ: rows in order, one column at a time (memory-bound and small)
            if (width == 8) {
                double sg = 0, sb = 0;
                for (long r = 0; r < rows; r++) {
                    double gv = d(g, go + r * cols + c);
                    sg += gv * (d(x, xo + r * cols + c) - d(mean, mo + r)) * d(rstd, ro + r);
                    sb += gv;
                }
                dgamma.setAtIndex(JAVA_DOUBLE_UNALIGNED, dgo + c, sg);
                dbeta.setAtIndex(JAVA_DOUBLE_UNALIGNED, dbo + c, sb);
            } else {
                float sg = 0, sb = 0;
                for (long r = 0; r < rows; r++) {
                    float gv = f(g, go + r * cols + c);
                    sg += gv * (f(x, xo + r * cols + c) - f(mean, mo + r)) * f(rstd, ro + r);
                    sb += gv;
                }
                dgamma.setAtIndex(JAVA_FLOAT_UNALIGNED, dgo + c, sg);
                dbeta.setAtIndex(JAVA_FLOAT_UNALIGNED, dbo + c, sb);
            }
        }
    }

    // ------------------------------------------------------------------ scalar twins

    private static void forwardRowF64(MemorySegment y, long yr, MemorySegment mean, long mi, MemorySegment rstd, long ri,
                                      MemorySegment x, long xr, MemorySegment gamma, long go, MemorySegment beta, long bo,
                                      long cols, double eps) {
        double s = 0;
        for (long c = 0; c < cols; c++) s += d(x, xr + c);
        double mu = s / cols, ss = 0;
        for (long c = 0; c < cols; c++) ss += (d(x, xr + c) - mu) * (d(x, xr + c) - mu);
        double r = 1 / Math.sqrt(ss / cols + eps);
        mean.setAtIndex(JAVA_DOUBLE_UNALIGNED, mi, mu);
        rstd.setAtIndex(JAVA_DOUBLE_UNALIGNED, ri, r);
        for (long c = 0; c < cols; c++) {
            y.setAtIndex(JAVA_DOUBLE_UNALIGNED, yr + c, (d(x, xr + c) - mu) * r * d(gamma, go + c) + d(beta, bo + c));
        }
    }

    private static void forwardRowF32(MemorySegment y, long yr, MemorySegment mean, long mi, MemorySegment rstd, long ri,
                                      MemorySegment x, long xr, MemorySegment gamma, long go, MemorySegment beta, long bo,
                                      long cols, float eps) {
        float s = 0;
        for (long c = 0; c < cols; c++) s += f(x, xr + c);
        float mu = s / cols, ss = 0;
        for (long c = 0; c < cols; c++) ss += (f(x, xr + c) - mu) * (f(x, xr + c) - mu);
        float r = (float) (1 / Math.sqrt(ss / cols + eps));
        mean.setAtIndex(JAVA_FLOAT_UNALIGNED, mi, mu);
        rstd.setAtIndex(JAVA_FLOAT_UNALIGNED, ri, r);
        forwardTail(y, yr, x, xr, gamma, go, beta, bo, mu, r, 0, cols);
    }

    private static void forwardTail(MemorySegment y, long yr, MemorySegment x, long xr, MemorySegment gamma, long go,
                                    MemorySegment beta, long bo, float mu, float r, long c0, long cols) {
        for (long c = c0; c < cols; c++) y.setAtIndex(JAVA_FLOAT_UNALIGNED, yr + c, (f(x, xr + c) - mu) * r * f(gamma, go + c) + f(beta, bo + c));
    }

    private static void backwardRowF64(MemorySegment dx, long dxr, MemorySegment g, long gr, MemorySegment x, long xr,
                                       MemorySegment gamma, long go, double mu, double r, long cols) {
        double sh = 0, shx = 0;
        for (long c = 0; c < cols; c++) {
            double h = d(g, gr + c) * d(gamma, go + c), xhat = (d(x, xr + c) - mu) * r;
            sh += h;
            shx += h * xhat;
        }
        double mh = sh / cols, mhx = shx / cols;
        for (long c = 0; c < cols; c++) {
            double h = d(g, gr + c) * d(gamma, go + c), xhat = (d(x, xr + c) - mu) * r;
            dx.setAtIndex(JAVA_DOUBLE_UNALIGNED, dxr + c, r * (h - mh - xhat * mhx));
        }
    }

    /** F32 backward of columns {@code [c0, cols)} of one row; the two row means are taken over the whole row. */
    private static void backwardRowF32(MemorySegment dx, long dxr, MemorySegment g, long gr, MemorySegment x, long xr,
                                       MemorySegment gamma, long go, float mu, float r, long c0, long cols) {
        float sh = 0, shx = 0;
        for (long c = 0; c < cols; c++) {
            float h = f(g, gr + c) * f(gamma, go + c);
            sh += h;
            shx += h * (f(x, xr + c) - mu) * r;
        }
        backwardTail(dx, dxr, g, gr, x, xr, gamma, go, mu, r, sh / cols, shx / cols, c0, cols);
    }

    private static void backwardTail(MemorySegment dx, long dxr, MemorySegment g, long gr, MemorySegment x, long xr,
                                     MemorySegment gamma, long go, float mu, float r, float mh, float mhx, long c0, long cols) {
        for (long c = c0; c < cols; c++) {
            float h = f(g, gr + c) * f(gamma, go + c), xhat = (f(x, xr + c) - mu) * r;
            dx.setAtIndex(JAVA_FLOAT_UNALIGNED, dxr + c, r * (h - mh - xhat * mhx));
        }
    }

    /** The Vector API path; loaded only when {@link Simd#ENABLED}. Small methods, for C2's inlining budget. */
    private static final class Vector {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        private static FloatVector load(MemorySegment s, long i) {
            return FloatVector.fromMemorySegment(S, s, i << 2, ORDER);
        }

        private static float sum(MemorySegment x, long xr, long cols) {
            long body = S.loopBound(cols);
            FloatVector acc = FloatVector.zero(S);
            for (long c = 0; c < body; c += L) acc = acc.add(load(x, xr + c));
            float[] lanes = LaneSum.scratch();  // summed in lane order in every JIT tier; reduceLanes(ADD) is not
            acc.intoArray(lanes, 0);
            float s = LaneSum.sum(lanes, L);
            for (long c = body; c < cols; c++) s += f(x, xr + c);
            return s;
        }

        private static float squaredDeviations(MemorySegment x, long xr, long cols, float mu) {
            long body = S.loopBound(cols);
            FloatVector acc = FloatVector.zero(S);
            for (long c = 0; c < body; c += L) {
                FloatVector dv = load(x, xr + c).sub(mu);
                acc = dv.fma(dv, acc);
            }
            float[] lanes = LaneSum.scratch();  // summed in lane order in every JIT tier; reduceLanes(ADD) is not
            acc.intoArray(lanes, 0);
            float s = LaneSum.sum(lanes, L);
            for (long c = body; c < cols; c++) s += (f(x, xr + c) - mu) * (f(x, xr + c) - mu);
            return s;
        }

        static void forwardRow(MemorySegment y, long yr, MemorySegment mean, long mi, MemorySegment rstd, long ri,
                               MemorySegment x, long xr, MemorySegment gamma, long go, MemorySegment beta, long bo,
                               long cols, float eps) {
            float mu = sum(x, xr, cols) / cols;
            float r = (float) (1 / Math.sqrt(squaredDeviations(x, xr, cols, mu) / cols + eps));
            mean.setAtIndex(JAVA_FLOAT_UNALIGNED, mi, mu);
            rstd.setAtIndex(JAVA_FLOAT_UNALIGNED, ri, r);
            long body = S.loopBound(cols);
            for (long c = 0; c < body; c += L) {
                load(x, xr + c).sub(mu).mul(r).fma(load(gamma, go + c), load(beta, bo + c)).intoMemorySegment(y, (yr + c) << 2, ORDER);
            }
            forwardTail(y, yr, x, xr, gamma, go, beta, bo, mu, r, body, cols);
        }

        /**
         * dγ and dβ of the columns of whole vectors, {@code L} columns at a time, each column's sum over the rows in
         * order with the scalar loop's arithmetic (so the same bits); returns the first column left to the scalar loop.
         */
        static long paramGrads(MemorySegment dgamma, long dgo, MemorySegment dbeta, long dbo, MemorySegment g, long go, MemorySegment x,
                               long xo, MemorySegment mean, long mo, MemorySegment rstd, long ro, long rows, long cols) {
            long body = S.loopBound(cols);
            for (long c = 0; c < body; c += L) {
                FloatVector sg = FloatVector.zero(S), sb = sg;
                for (long r = 0, at = c; r < rows; r++, at += cols) {
                    FloatVector gv = load(g, go + at);
                    sg = sg.add(gv.mul(load(x, xo + at).sub(f(mean, mo + r))).mul(f(rstd, ro + r)));
                    sb = sb.add(gv);
                }
                sg.intoMemorySegment(dgamma, (dgo + c) << 2, ORDER);
                sb.intoMemorySegment(dbeta, (dbo + c) << 2, ORDER);
            }
            return body;
        }

        static void backwardRow(MemorySegment dx, long dxr, MemorySegment g, long gr, MemorySegment x, long xr,
                                MemorySegment gamma, long go, float mu, float r, long cols) {
            long body = S.loopBound(cols);
            FloatVector ah = FloatVector.zero(S), ahx = ah;
            for (long c = 0; c < body; c += L) {
                FloatVector h = load(g, gr + c).mul(load(gamma, go + c));
                ah = ah.add(h);
                ahx = h.mul(load(x, xr + c).sub(mu).mul(r)).add(ahx);
            }
            float[] lanes = LaneSum.scratch();  // summed in lane order in every JIT tier; reduceLanes(ADD) is not
            ah.intoArray(lanes, 0);
            float sh = LaneSum.sum(lanes, L);
            ahx.intoArray(lanes, 0);
            float shx = LaneSum.sum(lanes, L);
            for (long c = body; c < cols; c++) {
                float h = f(g, gr + c) * f(gamma, go + c);
                sh += h;
                shx += h * (f(x, xr + c) - mu) * r;
            }
            float mh = sh / cols, mhx = shx / cols;
            for (long c = 0; c < body; c += L) {
                FloatVector h = load(g, gr + c).mul(load(gamma, go + c));
                FloatVector xhat = load(x, xr + c).sub(mu).mul(r);
                h.sub(mh).sub(xhat.mul(mhx)).mul(r).intoMemorySegment(dx, (dxr + c) << 2, ORDER);
            }
            backwardTail(dx, dxr, g, gr, x, xr, gamma, go, mu, r, mh, mhx, body, cols);
        }
    }
}
