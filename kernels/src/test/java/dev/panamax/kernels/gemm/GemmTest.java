package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GemmTest {
    static MemorySegment randomF32(SplittableRandom r, long n) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, n) * 4, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, (float) r.nextDouble(-1, 1));
        return s;
    }

    static MemorySegment randomF64(SplittableRandom r, long n) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, n) * 8, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(JAVA_DOUBLE_UNALIGNED, i, r.nextDouble(-1, 1));
        return s;
    }

    static MemorySegment copy(MemorySegment s) {
        MemorySegment c = Arena.ofAuto().allocate(s.byteSize(), 64);
        c.copyFrom(s);
        return c;
    }

    /**
     * C's m rows at {@code off} agree with the reference's to float rounding over k terms, and the padding after each
     * row's n columns (up to {@code ldc}) is untouched, bit for bit.
     */
    static void assertSameC(MemorySegment want, MemorySegment c, long off, int m, int n, int k, long ldc, String what) {
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < ldc; j++) {
                float w = want.getAtIndex(JAVA_FLOAT_UNALIGNED, off + i * ldc + j), g = c.getAtIndex(JAVA_FLOAT_UNALIGNED, off + i * ldc + j);
                String where = what + " at " + i + "," + j;
                if (j >= n) assertTrue(Float.floatToIntBits(w) == Float.floatToIntBits(g), "padding touched: " + where);
                else assertEquals(w, g, 1e-5f * Math.max(1, k), where);
            }
        }
    }

    /** Sizes around the register tile (MR = 4, NR = 16 or 32) and blocks (KC = 384, MC = 120), and primes. */
    static final int[][] SHAPES = {{1, 1, 1}, {1, 17, 3}, {5, 1, 7}, {6, 16, 1}, {7, 17, 5}, {11, 31, 13}, {13, 33, 257},
            {121, 35, 19}, {6, 32, 300}, {37, 65, 41}, {9, 40, 401}, {2, 3, 0}};

    @Test
    void sgemmMatchesReferenceForEveryTransposeAndAwkwardShape() {
        SplittableRandom r = new SplittableRandom(1);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 0.5f}) {
                        int pad = 3;  // non-unit leading dimensions: every row has slack
                        long lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
                        MemorySegment a = randomF32(r, (ta ? k : m) * lda + 1), b = randomF32(r, (tb ? n : k) * ldb + 2);
                        MemorySegment c = randomF32(r, m * ldc + 3);
                        if (beta == 0f) for (long i = 0; i < m * ldc + 3; i += 7) c.setAtIndex(JAVA_FLOAT_UNALIGNED, i, Float.NaN);
                        MemorySegment want = copy(c);
                        GemmReference.sgemm(ta, tb, m, n, k, 1.5f, a, 1, lda, b, 2, ldb, beta, want, 3, ldc);
                        Gemm.sgemm(ta, tb, m, n, k, 1.5f, a, 1, lda, b, 2, ldb, beta, c, 3, ldc);
                        assertSameC(want, c, 3, m, n, k, ldc, "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta);
                    }
                }
            }
        }
    }

    @Test
    void dgemmMatchesReference() {
        SplittableRandom r = new SplittableRandom(2);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    long lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 1;
                    MemorySegment a = randomF64(r, (ta ? k : m) * lda), b = randomF64(r, (tb ? n : k) * ldb), c = randomF64(r, m * ldc);
                    MemorySegment want = copy(c);
                    GemmReference.dgemm(ta, tb, m, n, k, -0.5, a, 0, lda, b, 0, ldb, 2.0, want, 0, ldc);
                    Gemm.dgemm(ta, tb, m, n, k, -0.5, a, 0, lda, b, 0, ldb, 2.0, c, 0, ldc);
                    for (long i = 0; i < m * ldc; i++) {
                        assertEquals(want.getAtIndex(JAVA_DOUBLE_UNALIGNED, i), c.getAtIndex(JAVA_DOUBLE_UNALIGNED, i), 1e-12 * Math.max(1, k));
                    }
                }
            }
        }
    }

    /**
     * Large products are checked by random projection (BLIS's trick): C·x must equal A·(B·x), which costs
     * O(n²) in double precision instead of an O(n³) reference product.
     */
    /**
     * Shapes that split rows (a shared packed B) or columns (fewer than 2·MIN_CHUNK_ROWS rows, split from an eighth
     * of the usual size: one transformer token block, 16 × 384 × 384); every transpose.
     */
    @Test
    void largeParallelSgemmPassesRandomProjection() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] s : new int[][] {{300, 700, 600}, {1000, 40, 513}, {47, 3100, 90}, {7, 3100, 450}, {16, 384, 384}, {31, 1536, 385}}) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    MemorySegment a = randomF32(r, (long) m * k), b = randomF32(r, (long) k * n), c = randomF32(r, (long) m * n);
                    Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
                    double[] x = r.doubles(n, -1, 1).toArray();
                    double[] bx = new double[k];
                    for (int p = 0; p < k; p++) {
                        for (int j = 0; j < n; j++) bx[p] += b.getAtIndex(JAVA_FLOAT_UNALIGNED, tb ? (long) j * k + p : (long) p * n + j) * x[j];
                    }
                    for (int i = 0; i < m; i++) {
                        double abx = 0, cx = 0;
                        for (int p = 0; p < k; p++) abx += a.getAtIndex(JAVA_FLOAT_UNALIGNED, ta ? (long) p * m + i : (long) i * k + p) * bx[p];
                        for (int j = 0; j < n; j++) cx += c.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) i * n + j) * x[j];
                        assertEquals(abx, cx, 1e-4 * Math.sqrt((double) n * k), "row " + i + " of " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb);
                    }
                }
            }
        }
    }

    @Test
    void batchedProductsWithABroadcastOperand() {
        SplittableRandom r = new SplittableRandom(6);
        int m = 5, n = 7, k = 3, batch = 40;
        MemorySegment a = randomF32(r, (long) batch * m * k), b = randomF32(r, (long) k * n);
        MemorySegment c = randomF32(r, (long) batch * m * n), want = copy(c);
        long[] ao = new long[batch], bo = new long[batch], co = new long[batch];
        for (int i = 0; i < batch; i++) {
            ao[i] = (long) i * m * k;
            co[i] = (long) i * m * n;
            GemmReference.sgemm(false, false, m, n, k, 1f, a, ao[i], k, b, 0, n, 0f, want, co[i], n);
        }
        Gemm.sgemmBatched(false, false, m, n, k, 1f, a, ao, k, b, bo, n, 0f, c, co, n);
        for (long i = 0; i < (long) batch * m * n; i++) {
            assertEquals(want.getAtIndex(JAVA_FLOAT_UNALIGNED, i), c.getAtIndex(JAVA_FLOAT_UNALIGNED, i), 1e-5f);
        }
    }

    @Test
    void badLeadingDimensionsAreRejected() {
        MemorySegment s = Arena.ofAuto().allocate(64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, s, 0, 2, s, 0, 2, 0f, s, 0, 2));
        assertTrue(e.getMessage().contains("lda=2"), e.getMessage());
    }
}
