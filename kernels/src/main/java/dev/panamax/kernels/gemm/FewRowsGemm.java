package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM without packing for a few rows of C (a short sentence through a transformer, a small batch through a dense
 * layer): {@code C (m, n) = alpha·op(A) (m, k)·B (k, n) + beta·C} with {@code 3 <= m <= } {@link #MAX_ROWS}. Such a
 * product is bound by reading B, which packing would read twice and write once; here every block of
 * {@code 4L} columns of B is streamed through registers once per group of four rows, and stays in L2 between the
 * groups (k·4L values: 96 KB at k = 384 and 16-lane vectors), so memory sees B once. Each group keeps a 4 × 4L
 * block of C in sixteen vector registers. Column blocks are shared out between threads (each thread reads only
 * its own columns of B). B's rows must be contiguous (not transposed); all segments native.
 *
 * <p>Measured on all-MiniLM-L6-v2, one 16-token sentence (its 36 products are 16 × 384 by 384 × 384 or
 * 384 × 1536): see {@link GemmConfig#OPENBLAS_MIN_ROWS}.
 */
public final class FewRowsGemm {
    /** The most rows this kernel takes; beyond, packing pays for itself. */
    public static final int MAX_ROWS = 32;

    /** The Vector API constants, in their own class so that {@link #suits} loads none of its classes. */
    private static final class V {
        static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        static final int L = S.length(), BLOCK = 4 * L;
        static final ByteOrder ORDER = ByteOrder.nativeOrder();
    }

    private FewRowsGemm() {}

    /**
     * Whether the shape suits this kernel: vector kernels on, B not transposed, 3 to {@link #MAX_ROWS} rows, at least
     * one column block. Asking never loads a Vector API class (the scalar path must work without the module).
     */
    public static boolean suits(boolean transB, int m, int n) {
        return Simd.ENABLED && GemmConfig.SHAPE_KERNELS && !transB && m >= 3 && m <= MAX_ROWS && n >= 4 * Simd.floatLanes();
    }

    /**
     * {@code C = alpha·op(A)·B + beta·C} with {@code op(A)(i, p) = a[aOff + i·ars + p·acs]}, B row-major with
     * leading dimension {@code ldb}; C is not read when {@code beta == 0}.
     */
    public static void sgemm(int threads, int m, int n, int k, float alpha, MemorySegment a, long aOff, long ars, long acs,
                             MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc) {
        int blocks = (n + V.BLOCK - 1) / V.BLOCK;
        long macs = (long) m * n * k;
        int parts = macs < GemmConfig.PARALLEL_MIN_MACS ? 1 : Math.min(Math.min(threads, Parallel.THREADS), blocks);
        if (parts <= 1) {
            columns(0, n, m, k, alpha, a, aOff, ars, acs, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Parallel.forRange(parts, 1, (from, to) -> {
            for (long t = from; t < to; t++) {
                int j0 = (int) (blocks * t / parts) * V.BLOCK, j1 = Math.min(n, (int) (blocks * (t + 1) / parts) * V.BLOCK);
                if (j1 > j0) columns(j0, j1, m, k, alpha, a, aOff, ars, acs, b, bOff, ldb, beta, c, cOff, ldc);
            }
        });
    }

    /** Columns {@code [j0, j1)} of C: whole blocks of four vectors, then single vectors, then scalars. */
    private static void columns(int j0, int j1, int m, int k, float alpha, MemorySegment a, long aOff, long ars, long acs, MemorySegment b,
                                long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc) {
        int j = j0;
        for (; j + V.BLOCK <= j1; j += V.BLOCK) {
            int i = 0;
            for (; i + 4 <= m; i += 4) block4x4(k, alpha, a, aOff + i * ars, ars, acs, b, bOff + j, ldb, beta, c, cOff + i * ldc + j, ldc);
            for (; i < m; i++) block1(k, alpha, a, aOff + i * ars, acs, b, bOff + j, ldb, beta, c, cOff + i * ldc + j, 4);
        }
        for (; j + V.L <= j1; j += V.L) {
            for (int i = 0; i < m; i++) block1(k, alpha, a, aOff + i * ars, acs, b, bOff + j, ldb, beta, c, cOff + i * ldc + j, 1);
        }
        for (; j < j1; j++) {
            for (int i = 0; i < m; i++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a.getAtIndex(JAVA_FLOAT_UNALIGNED, aOff + i * ars + p * acs) * b.getAtIndex(JAVA_FLOAT_UNALIGNED, bOff + p * ldb + j);
                }
                long at = cOff + i * ldc + j;
                float v = alpha * s;
                if (beta != 0f) v += beta * c.getAtIndex(JAVA_FLOAT_UNALIGNED, at);
                c.setAtIndex(JAVA_FLOAT_UNALIGNED, at, v);
            }
        }
    }

    /** Four rows by four vectors: sixteen accumulators, four loads of B and four broadcasts of A per step. */
    private static void block4x4(int k, float alpha, MemorySegment a, long aRow, long ars, long acs, MemorySegment b, long bCol, long ldb,
                                 float beta, MemorySegment c, long cAt, long ldc) {
        FloatVector c00 = FloatVector.zero(V.S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < k; p++) {
            long bi = (bCol + p * ldb) * 4, ai = aRow + p * acs;
            FloatVector b0 = FloatVector.fromMemorySegment(V.S, b, bi, V.ORDER), b1 = FloatVector.fromMemorySegment(V.S, b, bi + 4L * V.L, V.ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(V.S, b, bi + 8L * V.L, V.ORDER), b3 = FloatVector.fromMemorySegment(V.S, b, bi + 12L * V.L, V.ORDER);
            FloatVector u = FloatVector.broadcast(V.S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, ai));
            c00 = u.fma(b0, c00); c01 = u.fma(b1, c01); c02 = u.fma(b2, c02); c03 = u.fma(b3, c03);
            u = FloatVector.broadcast(V.S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, ai + ars));
            c10 = u.fma(b0, c10); c11 = u.fma(b1, c11); c12 = u.fma(b2, c12); c13 = u.fma(b3, c13);
            u = FloatVector.broadcast(V.S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, ai + 2 * ars));
            c20 = u.fma(b0, c20); c21 = u.fma(b1, c21); c22 = u.fma(b2, c22); c23 = u.fma(b3, c23);
            u = FloatVector.broadcast(V.S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, ai + 3 * ars));
            c30 = u.fma(b0, c30); c31 = u.fma(b1, c31); c32 = u.fma(b2, c32); c33 = u.fma(b3, c33);
        }
        store(c00, c01, c02, c03, alpha, beta, c, cAt);
        store(c10, c11, c12, c13, alpha, beta, c, cAt + ldc);
        store(c20, c21, c22, c23, alpha, beta, c, cAt + 2 * ldc);
        store(c30, c31, c32, c33, alpha, beta, c, cAt + 3 * ldc);
    }

    /** One row by {@code vectors} (1 or 4) vectors. */
    private static void block1(int k, float alpha, MemorySegment a, long aRow, long acs, MemorySegment b, long bCol, long ldb, float beta,
                               MemorySegment c, long cAt, int vectors) {
        FloatVector x0 = FloatVector.zero(V.S), x1 = x0, x2 = x0, x3 = x0;
        for (int p = 0; p < k; p++) {
            long bi = (bCol + p * ldb) * 4;
            FloatVector u = FloatVector.broadcast(V.S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, aRow + p * acs));
            x0 = u.fma(FloatVector.fromMemorySegment(V.S, b, bi, V.ORDER), x0);
            if (vectors == 4) {
                x1 = u.fma(FloatVector.fromMemorySegment(V.S, b, bi + 4L * V.L, V.ORDER), x1);
                x2 = u.fma(FloatVector.fromMemorySegment(V.S, b, bi + 8L * V.L, V.ORDER), x2);
                x3 = u.fma(FloatVector.fromMemorySegment(V.S, b, bi + 12L * V.L, V.ORDER), x3);
            }
        }
        if (vectors == 4) store(x0, x1, x2, x3, alpha, beta, c, cAt);
        else store(x0, alpha, beta, c, cAt * 4);
    }

    private static void store(FloatVector x0, FloatVector x1, FloatVector x2, FloatVector x3, float alpha, float beta, MemorySegment c, long at) {
        store(x0, alpha, beta, c, at * 4);
        store(x1, alpha, beta, c, (at + V.L) * 4);
        store(x2, alpha, beta, c, (at + 2L * V.L) * 4);
        store(x3, alpha, beta, c, (at + 3L * V.L) * 4);
    }

    private static void store(FloatVector acc, float alpha, float beta, MemorySegment c, long byteAt) {
        FloatVector v = acc.mul(alpha);
        if (beta != 0f) v = FloatVector.fromMemorySegment(V.S, c, byteAt, V.ORDER).fma(FloatVector.broadcast(V.S, beta), v);
        v.intoMemorySegment(c, byteAt, V.ORDER);
    }
}
