package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;

/**
 * General matrix multiply in pure Java, row-major like {@code cblas_?gemm(CblasRowMajor, ...)}:
 * {@code C = alpha · op(A) · op(B) + beta · C}, {@code op(A)} is m × k (stored k × m when {@code transA}),
 * {@code op(B)} is k × n (stored n × k when {@code transB}); leading dimensions and offsets in elements.
 *
 * <p>Contract (as in BLIS): {@code beta == 0} means C is never read, so garbage or NaN in C does not leak
 * into the result; {@code k == 0} gives {@code beta · C}. C must not overlap A or B. {@link #sgemm} is the
 * BLIS-structured fast path ({@link GemmDriver}, split across cores); {@link #dgemm} serves float64
 * gradient checks and is a simpler row-times-panel loop. {@link GemmReference} is the scalar oracle.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                             float beta, MemorySegment c, long cOff, long ldc) {
        sgemm(Parallel.THREADS, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** {@link #sgemm} on at most {@code threads} threads (benchmarks compare 1 and 2). */
    public static void sgemm(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                             float beta, MemorySegment c, long cOff, long ldc) {
        check(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(beta, m, n, c, cOff, ldc);
            return;
        }
        long ars = transA ? 1 : lda, acs = transA ? lda : 1;
        long brs = transB ? 1 : ldb, bcs = transB ? ldb : 1;
        long macs = (long) m * n * k;
        if (usesShapeKernel(transB, m, n, k, a, b, c)) {
            if (transB) RowGemm.sgemmTransB(m, n, k, alpha, a, aOff, ars, acs, b, bOff, ldb, beta, c, cOff, ldc);
            else RowGemm.sgemm(m, n, k, alpha, a, aOff, ars, acs, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // A few rows times a large B (one sentence through a transformer) is split by columns, and from fewer
        // multiply-adds: each thread then packs and reads only its half of B, which is what the product costs.
        boolean fewRows = m < 2 * GemmDriver.MIN_CHUNK_ROWS;
        long minMacs = fewRows ? GemmConfig.PARALLEL_MIN_MACS / 8 : GemmConfig.PARALLEL_MIN_MACS;
        int parts = macs < minMacs ? 1 : Math.max(1, Math.min(threads, Parallel.THREADS));
        if (parts > 1 && !fewRows && m >= 2L * parts * GemmConfig.MR) {
            GemmDriver.run(parts, m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, beta, c, cOff, ldc);
        } else if (parts > 1 && n >= 2L * parts * GemmConfig.NR) {
            // Too few rows to share out: split columns, each thread packing its own B panels and all of A.
            int blocks = (n + GemmConfig.NR - 1) / GemmConfig.NR;
            Parallel.forRange(parts, 1, (from, to) -> {
                for (long p = from; p < to; p++) {
                    int j0 = (int) (blocks * p / parts) * GemmConfig.NR, j1 = Math.min(n, (int) (blocks * (p + 1) / parts) * GemmConfig.NR);
                    if (j1 > j0) GemmDriver.run(1, m, j1 - j0, k, alpha, a, aOff, ars, acs, b, bOff + j0 * bcs, brs, bcs,
                            beta, c, cOff + j0, ldc);
                }
            });
        } else {
            GemmDriver.run(1, m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, beta, c, cOff, ldc);
        }
    }

    /**
     * {@code C = alpha·op(A)·B + beta·C} with B packed beforehand ({@link PackedB}): m × B.k() times B.k() × B.n(), same
     * contract as {@link #sgemm}. A few rows are split across cores by column panels, from fewer multiply-adds than
     * an unpacked product, since each thread then only reads its share of B.
     */
    public static void sgemmPacked(boolean transA, int m, float alpha, MemorySegment a, long aOff, long lda, PackedB b,
                                   float beta, MemorySegment c, long cOff, long ldc) {
        int n = b.n, k = b.k;
        check(transA, false, m, n, k, lda, n, ldc);
        if (m == 0) return;
        if (alpha == 0f) {
            scale(beta, m, n, c, cOff, ldc);
            return;
        }
        long ars = transA ? 1 : lda, acs = transA ? lda : 1;
        int panels = (n + GemmConfig.NR - 1) / GemmConfig.NR;
        long macs = (long) m * n * k;
        int parts = macs < GemmConfig.PARALLEL_MIN_MACS / 8 ? 1 : Math.min(Parallel.THREADS, panels / 2);
        if (parts <= 1) {
            GemmDriver.runPacked(m, alpha, a, aOff, ars, acs, b, 0, panels, beta, c, cOff, ldc);
            return;
        }
        Parallel.forRange(parts, 1, (from, to) -> {
            for (long p = from; p < to; p++) {
                GemmDriver.runPacked(m, alpha, a, aOff, ars, acs, b, (int) (panels * p / parts), (int) (panels * (p + 1) / parts),
                        beta, c, cOff, ldc);
            }
        });
    }

    /**
     * Whether {@link #sgemm} runs this product on its shape-specific kernel ({@link RowGemm}), which measured
     * faster than packing and than OpenBLAS on those shapes.
     */
    public static boolean usesShapeKernel(boolean transB, int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        // RowGemm's class holds Vector API constants: it must not even load when the module is missing.
        return Simd.ENABLED && native3(a, b, c) && RowGemm.suits(transB, m, n, k);
    }

    private static boolean native3(MemorySegment a, MemorySegment b, MemorySegment c) {
        return a.isNative() && b.isNative() && c.isNative();
    }

    /**
     * {@code batch} independent products {@code C_i = alpha·op(A_i)·op(B_i) + beta·C_i}, same shapes and leading
     * dimensions, at element offsets {@code aOffs[i]}, {@code bOffs[i]}, {@code cOffs[i]} (repeated offsets
     * express broadcasting; C offsets must not overlap). Small products are spread across cores one whole
     * product per task; large ones run one after another, each split across cores.
     */
    public static void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    MemorySegment a, long[] aOffs, long lda, MemorySegment b, long[] bOffs, long ldb,
                                    float beta, MemorySegment c, long[] cOffs, long ldc) {
        int batch = aOffs.length;
        if (bOffs.length != batch || cOffs.length != batch) {
            throw new IllegalArgumentException("sgemmBatched: " + batch + " A offsets, " + bOffs.length + " B offsets, "
                    + cOffs.length + " C offsets; they must match");
        }
        long macs = (long) m * n * k;
        if (macs >= GemmConfig.PARALLEL_MIN_MACS || batch == 1) {
            for (int i = 0; i < batch; i++) {
                sgemm(transA, transB, m, n, k, alpha, a, aOffs[i], lda, b, bOffs[i], ldb, beta, c, cOffs[i], ldc);
            }
            return;
        }
        Parallel.forRange(batch, Math.max(1, GemmConfig.PARALLEL_MIN_MACS / Math.max(1, macs)), (from, to) -> {
            for (long i = from; i < to; i++) {
                int j = (int) i;
                sgemm(1, transA, transB, m, n, k, alpha, a, aOffs[j], lda, b, bOffs[j], ldb, beta, c, cOffs[j], ldc);
            }
        });
    }

    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                             double beta, MemorySegment c, long cOff, long ldc) {
        check(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        double[] bp = new double[Math.multiplyExact(k, n)];  // op(B), (k, n) row-major
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                bp[p * n + j] = b.getAtIndex(JAVA_DOUBLE_UNALIGNED, bOff + (transB ? (long) j * ldb + p : (long) p * ldb + j));
            }
        }
        Parallel.forRange(m, Math.max(1, GemmConfig.PARALLEL_MIN_MACS / Math.max(1L, (long) n * k)), (from, to) -> {
            double[] row = new double[n];
            for (long i = from; i < to; i++) {
                java.util.Arrays.fill(row, 0.0);
                for (int p = 0; p < k; p++) {
                    double av = a.getAtIndex(JAVA_DOUBLE_UNALIGNED, aOff + (transA ? (long) p * lda + i : i * lda + p));
                    for (int j = 0; j < n; j++) row[j] += av * bp[p * n + j];
                }
                for (int j = 0; j < n; j++) {
                    long ci = cOff + i * ldc + j;
                    double prior = beta == 0 ? 0 : beta * c.getAtIndex(JAVA_DOUBLE_UNALIGNED, ci);
                    c.setAtIndex(JAVA_DOUBLE_UNALIGNED, ci, alpha * row[j] + prior);
                }
            }
        });
    }

    private static void scale(float beta, int m, int n, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long ci = cOff + (long) i * ldc + j;
                c.setAtIndex(JAVA_FLOAT_UNALIGNED, ci, beta == 0f ? 0f : beta * c.getAtIndex(JAVA_FLOAT_UNALIGNED, ci));
            }
        }
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k, long lda, long ldb, long ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        long aCols = transA ? m : k, bCols = transB ? k : n;
        if (lda < Math.max(1, aCols) || ldb < Math.max(1, bCols) || ldc < Math.max(1, n)) {
            throw new IllegalArgumentException("gemm: leading dimension too small: lda=" + lda + " (needs >= " + aCols
                    + "), ldb=" + ldb + " (needs >= " + bCols + "), ldc=" + ldc + " (needs >= " + n + ")");
        }
    }
}
