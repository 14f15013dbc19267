package dev.panamax.tensors.backend;

import dev.panamax.ffm.openblas.Cblas;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Settings;
import dev.panamax.kernels.gemm.Gemm;
import dev.panamax.kernels.gemm.GemmConfig;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * The CPU backend's matrix products ({@link CpuBackend} routes its GEMM calls here): Panamax's Vector API GEMM, or OpenBLAS through FFM where that is faster.
 * {@code -Dpanamax.gemm=java|openblas|auto} (or {@code PANAMAX_GEMM}) forces one; {@code auto} (the default)
 * sends products of at least {@link GemmConfig#OPENBLAS_MIN_MACS} multiply-adds and {@link GemmConfig#OPENBLAS_MIN_ROWS}
 * rows to OpenBLAS when it is installed. OpenBLAS runs single-threaded and Panamax splits large products over its own pool (threads
 * claim fixed blocks of C's rows or columns): OpenBLAS's worker threads busy-wait after every call, and on a small
 * machine they took the cores Panamax's kernels needed next (the MNIST step ran faster on one thread than
 * on two before this). One pool, one set of threads, never oversubscribed.
 */
public final class CpuGemm {
    /** Which GEMM implementation runs. */
    public enum GemmImpl { JAVA, OPENBLAS, AUTO }

    private static final System.Logger LOG = System.getLogger(CpuGemm.class.getName());
    /** The requested GEMM choice. */
    public static final GemmImpl GEMM = requested();
    private static final boolean BLAS = Cblas.isAvailable() && GEMM != GemmImpl.JAVA;

    /** Why a forced OpenBLAS cannot serve, or null: thrown at each product, never from this initialiser. */
    private static final String FORCED_PROBLEM = GEMM == GemmImpl.OPENBLAS && !Cblas.isAvailable()
            ? "panamax.gemm=openblas was given, but " + Cblas.library().problem() : null;

    static {
        if (BLAS) Cblas.openblas_set_num_threads(1);
        else if (GEMM == GemmImpl.AUTO) {
            LOG.log(System.Logger.Level.INFO, "OpenBLAS not found; large matrix products use Panamax's Java GEMM. "
                    + Cblas.library().problem());
        }
    }

    private CpuGemm() {}

    private static GemmImpl requested() {
        String p = Settings.get("panamax.gemm", "PANAMAX_GEMM");
        if (p == null) return GemmImpl.AUTO;
        try {
            return GemmImpl.valueOf(p.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "panamax.gemm must be java, openblas or auto, got '" + p + "'; using auto");
            return GemmImpl.AUTO;
        }
    }

    /** Whether a product of {@code macs} multiply-adds goes to OpenBLAS. */
    public static boolean usesOpenBlas(long macs) {
        if (FORCED_PROBLEM != null) throw new IllegalStateException(FORCED_PROBLEM);
        return BLAS && (GEMM == GemmImpl.OPENBLAS || macs >= GemmConfig.OPENBLAS_MIN_MACS);
    }

    /** Whether an {@code m}-row product of {@code macs} multiply-adds goes to OpenBLAS (few rows stay in Java). */
    public static boolean usesOpenBlas(int m, long macs) {
        if (FORCED_PROBLEM != null) throw new IllegalStateException(FORCED_PROBLEM);
        return BLAS && (GEMM == GemmImpl.OPENBLAS || (macs >= GemmConfig.OPENBLAS_MIN_MACS && m >= GemmConfig.OPENBLAS_MIN_ROWS));
    }

    /** One line for {@code panamax doctor}. */
    public static String describe() {
        return switch (GEMM) {
            case JAVA -> "java (forced by -Dpanamax.gemm=java)";
            case OPENBLAS -> FORCED_PROBLEM != null ? "none: " + FORCED_PROBLEM : "openblas (forced by -Dpanamax.gemm=openblas)";
            case AUTO -> BLAS ? "auto: OpenBLAS from " + GemmConfig.OPENBLAS_MIN_MACS + " multiply-adds and " + GemmConfig.OPENBLAS_MIN_ROWS
                    + " rows, Java below"
                    : "auto: Java (OpenBLAS not found)";
        };
    }

    /** Row-major {@code C = alpha·op(A)·op(B) + beta·C} in F32; see {@link Gemm#sgemm} for the contract. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                             float beta, MemorySegment c, long cOff, long ldc) {
        long macs = (long) m * n * k;
        if (usesOpenBlas(m, macs) && m > 0 && n > 0 && k > 0 && !Gemm.usesShapeKernel(transB, m, n, k, a, b, c)) {
            boolean byRows = m >= n;
            int extent = byRows ? m : n;
            if (macs < GemmConfig.PARALLEL_MIN_MACS || extent < 2 * SPLIT) {
                openblas(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                return;
            }
            Parallel.forChunks((extent + SPLIT - 1) / SPLIT, (b0, b1) -> {
                int from = (int) b0 * SPLIT, to = (int) Math.min(extent, b1 * SPLIT);
                if (byRows) {  // rows [from, to) of C: the same rows of op(A)
                    openblas(transA, transB, to - from, n, k, alpha, a, aOff + (transA ? from : from * lda), lda,
                            b, bOff, ldb, beta, c, cOff + from * ldc, ldc);
                } else {       // columns [from, to) of C: the same columns of op(B)
                    openblas(transA, transB, m, to - from, k, alpha, a, aOff, lda,
                            b, bOff + (transB ? from * ldb : from), ldb, beta, c, cOff + from, ldc);
                }
            });
        } else {
            Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * Rows or columns per OpenBLAS call when a large product is split: whole cache lines of C and whole register
     * tiles, and the same blocks whatever the thread count. OpenBLAS's result for an element depends on the shape
     * of the call it is in (768 rows in one call and in three calls of 256 differed in the last bit), so blocks cut
     * per thread made the weights depend on {@code -Dpanamax.threads}.
     */
    private static final int SPLIT = 128;

    private static void openblas(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff,
                                 long lda, MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc) {
        Cblas.cblas_sgemm(Cblas.CblasRowMajor, transA ? Cblas.CblasTrans : Cblas.CblasNoTrans,
                transB ? Cblas.CblasTrans : Cblas.CblasNoTrans, m, n, k, alpha, a.asSlice(aOff * 4), (int) lda,
                b.asSlice(bOff * 4), (int) ldb, beta, c.asSlice(cOff * 4), (int) ldc);
    }

    /** Batched F32 products at the given element offsets; see {@link Gemm#sgemmBatched}. */
    public static void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    MemorySegment a, long[] aOffs, long lda, MemorySegment b, long[] bOffs, long ldb,
                                    float beta, MemorySegment c, long[] cOffs, long ldc) {
        if (usesOpenBlas((long) m * n * k)) {
            for (int i = 0; i < aOffs.length; i++) {
                sgemm(transA, transB, m, n, k, alpha, a, aOffs[i], lda, b, bOffs[i], ldb, beta, c, cOffs[i], ldc);
            }
        } else {
            Gemm.sgemmBatched(transA, transB, m, n, k, alpha, a, aOffs, lda, b, bOffs, ldb, beta, c, cOffs, ldc);
        }
    }

    /** Row-major {@code C = alpha·op(A)·op(B) + beta·C} in F64. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                             double beta, MemorySegment c, long cOff, long ldc) {
        if (usesOpenBlas((long) m * n * k) && m > 0 && n > 0) {
            Cblas.cblas_dgemm(Cblas.CblasRowMajor, transA ? Cblas.CblasTrans : Cblas.CblasNoTrans,
                    transB ? Cblas.CblasTrans : Cblas.CblasNoTrans, m, n, k, alpha, a.asSlice(aOff * 8), (int) lda,
                    b.asSlice(bOff * 8), (int) ldb, beta, c.asSlice(cOff * 8), (int) ldc);
        } else {
            Gemm.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }
}
