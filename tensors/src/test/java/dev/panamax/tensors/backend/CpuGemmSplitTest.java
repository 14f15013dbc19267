package dev.panamax.tensors.backend;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Products large enough to be split over the pool (by rows of C when it is tall, by columns when wide), with
 * every transpose, offsets, padded leading dimensions and extents that are not a multiple of the split block:
 * each element of C against a double-precision dot product.
 */
class CpuGemmSplitTest {
    @Test
    void splitProductsMatchDoublePrecisionDotProducts() {
        int[][] shapes = {{1001, 40, 450}, {40, 1003, 450}};  // 18M multiply-adds: above two split thresholds
        Random rnd = new Random(7);
        try (Arena arena = Arena.ofShared()) {  // the pool's threads read it
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 5, ldc = n + 2, off = 7;
                    MemorySegment a = fill(arena, rnd, off + (long) lda * (ta ? k : m));
                    MemorySegment b = fill(arena, rnd, off + (long) ldb * (tb ? n : k));
                    MemorySegment c = fill(arena, rnd, off + (long) ldc * m);
                    CpuGemm.sgemm(ta, tb, m, n, k, 1f, a, off, lda, b, off, ldb, 0f, c, off, ldc);
                    for (int i = 0; i < m; i += 37) {
                        for (int j = 0; j < n; j += 13) {
                            double want = 0;
                            for (int p = 0; p < k; p++) {
                                want += (double) get(a, off + (ta ? (long) p * lda + i : (long) i * lda + p))
                                        * get(b, off + (tb ? (long) j * ldb + p : (long) p * ldb + j));
                            }
                            assertEquals(want, get(c, off + (long) i * ldc + j), 1e-3,
                                    "C[" + i + "," + j + "] of " + m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb);
                        }
                    }
                    // The last row and column, where the final partial block ends.
                    double last = 0;
                    for (int p = 0; p < k; p++) {
                        last += (double) get(a, off + (ta ? (long) p * lda + m - 1 : (long) (m - 1) * lda + p))
                                * get(b, off + (tb ? (long) (n - 1) * ldb + p : (long) p * ldb + n - 1));
                    }
                    assertEquals(last, get(c, off + (long) (m - 1) * ldc + n - 1), 1e-3, "last element transA=" + ta + " transB=" + tb);
                }
            }
        }
    }

    private static MemorySegment fill(Arena arena, Random rnd, long n) {
        MemorySegment s = arena.allocate(n * 4, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, rnd.nextFloat() * 2 - 1);
        return s;
    }

    private static float get(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }
}
