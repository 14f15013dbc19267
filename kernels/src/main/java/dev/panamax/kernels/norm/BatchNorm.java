package dev.panamax.kernels.norm;

import static dev.panamax.kernels.norm.Rows.d;
import static dev.panamax.kernels.norm.Rows.f;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation in training mode (Ioffe and Szegedy 2015) over {@code rows} rows of {@code cols} channels: the
 * statistics of each channel are taken down its column (for NHWC activations the rows are every (n, h, w)), with the
 * biased variance as PyTorch and Keras normalise with:
 * <pre>
 * forward:  mean[c] = Σ_r x[r,c]/rows    var[c] = Σ_r (x[r,c] - mean[c])²/rows    rstd[c] = 1/sqrt(var[c] + eps)
 *           y = (x - mean)·rstd·γ + β
 * backward: xhat = (x - mean)·rstd      dβ[c] = Σ_r g[r,c]      dγ[c] = Σ_r g[r,c]·xhat[r,c]
 *           dx[r,c] = γ[c]·rstd[c]·(g[r,c] - dβ[c]/rows - xhat[r,c]·dγ[c]/rows)
 * </pre>
 * Row-major and contiguous, offsets in elements; outputs overwritten and never aliasing inputs. The column sums are
 * taken per block of {@value #BLOCK} rows (in the kernel's precision) and the blocks' sums added in block order in
 * double, so results do not depend on the thread count or timing; the variance is taken around the mean in a second
 * pass (no cancellation for channels far from zero). Precision is {@code width} bytes: 4 runs the Vector API path on
 * native segments (the scalar F32 twin otherwise and for the columns past the last whole vector), 8 the F64 loops.
 */
public final class BatchNorm {
    /** Rows per partial column sum: a block's sum in float loses nothing that matters, and blocks spread over threads. */
    static final int BLOCK = 256;

    private BatchNorm() {}

    public static void forward(int width, MemorySegment y, long yo, MemorySegment mean, long mo, MemorySegment var, long vo,
                               MemorySegment rstd, long ro, MemorySegment x, long xo, MemorySegment gamma, long go,
                               MemorySegment beta, long bo, long rows, long cols, double eps) {
        boolean vector = vector(width, y, x);
        int c = (int) cols;
        double[] mu = new double[c], sq = new double[c];
        columnSums(rows, c, (from, to, acc) -> sum(width, vector, x, xo, from, to, c, acc), mu);
        for (int j = 0; j < c; j++) mu[j] /= rows;
        columnSums(rows, c, (from, to, acc) -> squaredDeviations(width, vector, x, xo, from, to, c, mu, acc), sq);
        // y = (x - mean)·scale + β with scale = γ·rstd: a subtraction and a multiply-add per element.
        double[] scale = new double[c], shift = new double[c];
        for (int j = 0; j < c; j++) {
            double v = sq[j] / rows, r = 1 / Math.sqrt(v + eps);
            scale[j] = r * get(width, gamma, go + j);
            shift[j] = get(width, beta, bo + j);
            set(width, mean, mo + j, mu[j]);
            set(width, var, vo + j, v);
            set(width, rstd, ro + j, r);
        }
        Rows.split(rows, cols, (from, to) -> affine(width, vector, y, yo, x, xo, from, to, c, mu, scale, shift));
    }

    public static void backward(int width, MemorySegment dx, long dxo, MemorySegment dgamma, long dgo, MemorySegment dbeta, long dbo,
                                MemorySegment g, long go, MemorySegment x, long xo, MemorySegment gamma, long gmo,
                                MemorySegment mean, long mo, MemorySegment rstd, long ro, long rows, long cols) {
        boolean vector = vector(width, dx, g, x);
        int c = (int) cols;
        double[] mu = new double[c], r = new double[c], sg = new double[c], sgx = new double[c];
        for (int j = 0; j < c; j++) {
            mu[j] = get(width, mean, mo + j);
            r[j] = get(width, rstd, ro + j);
        }
        columnSums(rows, c, (from, to, acc) -> sum(width, vector, g, go, from, to, c, acc), sg);
        // Σ g·(x - mean), scaled by rstd afterwards: the same sum as Σ g·xhat with one multiply fewer per element.
        columnSums(rows, c, (from, to, acc) -> products(width, vector, g, go, x, xo, from, to, c, mu, acc), sgx);
        // dx = a·g + b·(x - mean) + k per channel: a = γ·rstd, b = -a·rstd·dγ/rows, k = -a·dβ/rows.
        double[] a = new double[c], b = new double[c], k = new double[c];
        for (int j = 0; j < c; j++) {
            double dg = sgx[j] * r[j];
            set(width, dgamma, dgo + j, dg);
            set(width, dbeta, dbo + j, sg[j]);
            a[j] = get(width, gamma, gmo + j) * r[j];
            b[j] = -a[j] * r[j] * dg / rows;
            k[j] = -a[j] * sg[j] / rows;
        }
        Rows.split(rows, cols, (from, to) -> inputGrad(width, vector, dx, dxo, g, go, x, xo, from, to, c, mu, a, b, k));
    }

    // ------------------------------------------------------------------ column sums, block by block

    /** Adds a block of rows' column sums into {@code acc} (cols values, zeroed by the caller). */
    @FunctionalInterface
    interface BlockSum {
        void add(long from, long to, double[] acc);
    }

    /** {@code out[c]} = the sum over every block of rows of {@code block}'s column sums, added in block order. */
    private static void columnSums(long rows, int cols, BlockSum block, double[] out) {
        int blocks = (int) ((rows + BLOCK - 1) / BLOCK);
        double[][] partial = new double[blocks][cols];
        Rows.split(blocks, (long) BLOCK * cols, (from, to) -> {
            for (long i = from; i < to; i++) block.add(i * BLOCK, Math.min(rows, (i + 1) * BLOCK), partial[(int) i]);
        });
        java.util.Arrays.fill(out, 0);
        for (double[] p : partial) for (int j = 0; j < cols; j++) out[j] += p[j];
    }

    private static void sum(int width, boolean vector, MemorySegment x, long xo, long from, long to, int cols, double[] acc) {
        int c0 = vector ? Vector.sum(x, xo, from, to, cols, acc) : 0;
        for (int j = c0; j < cols; j++) {
            if (width == 8) {
                double s = 0;
                for (long r = from; r < to; r++) s += d(x, xo + r * cols + j);
                acc[j] = s;
            } else {
                float s = 0;
                for (long r = from; r < to; r++) s += f(x, xo + r * cols + j);
                acc[j] = s;
            }
        }
    }

    private static void squaredDeviations(int width, boolean vector, MemorySegment x, long xo, long from, long to, int cols, double[] mu,
                                          double[] acc) {
        int c0 = vector ? Vector.squaredDeviations(x, xo, from, to, cols, mu, acc) : 0;
        for (int j = c0; j < cols; j++) {
            if (width == 8) {
                double s = 0;
                for (long r = from; r < to; r++) s += (d(x, xo + r * cols + j) - mu[j]) * (d(x, xo + r * cols + j) - mu[j]);
                acc[j] = s;
            } else {
                float s = 0, m = (float) mu[j];
                for (long r = from; r < to; r++) s += (f(x, xo + r * cols + j) - m) * (f(x, xo + r * cols + j) - m);
                acc[j] = s;
            }
        }
    }

    private static void products(int width, boolean vector, MemorySegment g, long go, MemorySegment x, long xo, long from, long to, int cols,
                                 double[] mu, double[] acc) {
        int c0 = vector ? Vector.products(g, go, x, xo, from, to, cols, mu, acc) : 0;
        for (int j = c0; j < cols; j++) {
            if (width == 8) {
                double s = 0;
                for (long r = from; r < to; r++) s += d(g, go + r * cols + j) * (d(x, xo + r * cols + j) - mu[j]);
                acc[j] = s;
            } else {
                float s = 0, m = (float) mu[j];
                for (long r = from; r < to; r++) s += f(g, go + r * cols + j) * (f(x, xo + r * cols + j) - m);
                acc[j] = s;
            }
        }
    }

    // ------------------------------------------------------------------ elementwise passes

    private static void affine(int width, boolean vector, MemorySegment y, long yo, MemorySegment x, long xo, long from, long to, int cols,
                               double[] mu, double[] scale, double[] shift) {
        int c0 = vector ? Vector.affine(y, yo, x, xo, from, to, cols, mu, scale, shift) : 0;
        for (long r = from; r < to; r++) {
            for (int j = c0; j < cols; j++) {
                long i = r * cols + j;
                if (width == 8) y.setAtIndex(JAVA_DOUBLE_UNALIGNED, yo + i, (d(x, xo + i) - mu[j]) * scale[j] + shift[j]);
                else y.setAtIndex(JAVA_FLOAT_UNALIGNED, yo + i, (f(x, xo + i) - (float) mu[j]) * (float) scale[j] + (float) shift[j]);
            }
        }
    }

    private static void inputGrad(int width, boolean vector, MemorySegment dx, long dxo, MemorySegment g, long go, MemorySegment x, long xo,
                                  long from, long to, int cols, double[] mu, double[] a, double[] b, double[] k) {
        int c0 = vector ? Vector.inputGrad(dx, dxo, g, go, x, xo, from, to, cols, mu, a, b, k) : 0;
        for (long r = from; r < to; r++) {
            for (int j = c0; j < cols; j++) {
                long i = r * cols + j;
                if (width == 8) dx.setAtIndex(JAVA_DOUBLE_UNALIGNED, dxo + i, a[j] * d(g, go + i) + b[j] * (d(x, xo + i) - mu[j]) + k[j]);
                else dx.setAtIndex(JAVA_FLOAT_UNALIGNED, dxo + i, (float) a[j] * f(g, go + i) + (float) b[j] * (f(x, xo + i) - (float) mu[j]) + (float) k[j]);
            }
        }
    }

    private static boolean vector(int width, MemorySegment... segments) {
        if (width != 4 || !Simd.ENABLED) return false;
        for (MemorySegment s : segments) if (!s.isNative()) return false;
        return true;
    }

    private static double get(int width, MemorySegment s, long i) {
        return width == 8 ? d(s, i) : f(s, i);
    }

    private static void set(int width, MemorySegment s, long i, double v) {
        if (width == 8) s.setAtIndex(JAVA_DOUBLE_UNALIGNED, i, v);
        else s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, (float) v);
    }

    /**
     * The Vector API path over whole vectors of channels; each method returns the first channel it left to the scalar
     * loops. Loaded only when {@link Simd#ENABLED}. Small methods, for C2's inlining budget.
     */
    private static final class Vector {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        private static FloatVector load(MemorySegment s, long i) {
            return FloatVector.fromMemorySegment(S, s, i << 2, ORDER);
        }

        private static FloatVector lanes(double[] v, int j) {
            float[] f = new float[L];
            for (int l = 0; l < L; l++) f[l] = (float) v[j + l];
            return FloatVector.fromArray(S, f, 0);
        }

        private static void store(FloatVector v, double[] acc, int j) {
            float[] f = new float[L];
            v.intoArray(f, 0);
            for (int l = 0; l < L; l++) acc[j + l] = f[l];
        }

        static int sum(MemorySegment x, long xo, long from, long to, int cols, double[] acc) {
            int body = S.loopBound(cols);
            for (int j = 0; j < body; j += L) {
                FloatVector s = FloatVector.zero(S);
                for (long r = from; r < to; r++) s = s.add(load(x, xo + r * cols + j));
                store(s, acc, j);
            }
            return body;
        }

        static int squaredDeviations(MemorySegment x, long xo, long from, long to, int cols, double[] mu, double[] acc) {
            int body = S.loopBound(cols);
            for (int j = 0; j < body; j += L) {
                FloatVector s = FloatVector.zero(S), m = lanes(mu, j);
                for (long r = from; r < to; r++) {
                    FloatVector dv = load(x, xo + r * cols + j).sub(m);
                    s = dv.fma(dv, s);
                }
                store(s, acc, j);
            }
            return body;
        }

        static int products(MemorySegment g, long go, MemorySegment x, long xo, long from, long to, int cols, double[] mu, double[] acc) {
            int body = S.loopBound(cols);
            for (int j = 0; j < body; j += L) {
                FloatVector s = FloatVector.zero(S), m = lanes(mu, j);
                for (long r = from; r < to; r++) s = load(x, xo + r * cols + j).sub(m).fma(load(g, go + r * cols + j), s);
                store(s, acc, j);
            }
            return body;
        }

        static int affine(MemorySegment y, long yo, MemorySegment x, long xo, long from, long to, int cols, double[] mu, double[] scale,
                          double[] shift) {
            int body = S.loopBound(cols);
            for (int j = 0; j < body; j += L) {
                FloatVector m = lanes(mu, j), a = lanes(scale, j), b = lanes(shift, j);
                for (long r = from; r < to; r++) {
                    load(x, xo + r * cols + j).sub(m).fma(a, b).intoMemorySegment(y, (yo + r * cols + j) << 2, ORDER);
                }
            }
            return body;
        }

        static int inputGrad(MemorySegment dx, long dxo, MemorySegment g, long go, MemorySegment x, long xo, long from, long to, int cols,
                             double[] mu, double[] a, double[] b, double[] k) {
            int body = S.loopBound(cols);
            for (int j = 0; j < body; j += L) {
                FloatVector m = lanes(mu, j), av = lanes(a, j), bv = lanes(b, j), kv = lanes(k, j);
                for (long r = from; r < to; r++) {
                    long i = r * cols + j;
                    load(g, go + i).fma(av, load(x, xo + i).sub(m).fma(bv, kv)).intoMemorySegment(dx, (dxo + i) << 2, ORDER);
                }
            }
            return body;
        }
    }
}
