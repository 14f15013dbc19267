package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackedGemmTest {
    /**
     * Around the tile (MR, NR), the block depth (KC = 384) and width (NC = 3072) of a block, and big enough to be
     * split across threads by column panels (m·n·k from PARALLEL_MIN_MACS / 8).
     */
    static final int[][] SHAPES = {{1, 1, 1}, {1, 17, 3}, {5, 1, 7}, {7, 33, 385}, {4, 32, 384}, {16, 384, 384},
            {13, 300, 401}, {3, 3100, 5}, {31, 65, 257}, {121, 35, 19}, {0, 4, 4}};

    @Test
    void packedProductMatchesReferenceForAwkwardShapes() {
        SplittableRandom r = new SplittableRandom(7);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 0.5f}) {
                        long lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
                        MemorySegment a = GemmTest.randomF32(r, (ta ? k : m) * lda + 1), b = GemmTest.randomF32(r, (tb ? n : k) * ldb + 2);
                        MemorySegment c = GemmTest.randomF32(r, m * ldc + 3);
                        if (beta == 0f) for (long i = 0; i < m * ldc + 3; i += 5) c.setAtIndex(JAVA_FLOAT_UNALIGNED, i, Float.NaN);
                        MemorySegment want = GemmTest.copy(c);
                        GemmReference.sgemm(ta, tb, m, n, k, -1.25f, a, 1, lda, b, 2, ldb, beta, want, 3, ldc);
                        PackedB packed = PackedB.pack(tb, k, n, b, 2, ldb);
                        assertEquals(k, packed.k());
                        assertEquals(n, packed.n());
                        Gemm.sgemmPacked(ta, m, -1.25f, a, 1, lda, packed, beta, c, 3, ldc);
                        GemmTest.assertSameC(want, c, 3, m, n, k, ldc, "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta);
                    }
                }
            }
        }
    }

    @Test
    void packedProductAgreesWithTheUnpackedOneOnASentenceShapedProduct() {
        SplittableRandom r = new SplittableRandom(8);
        int m = 16, k = 384, n = 1536;
        MemorySegment a = GemmTest.randomF32(r, (long) m * k), b = GemmTest.randomF32(r, (long) k * n);
        MemorySegment c1 = GemmTest.randomF32(r, (long) m * n), c2 = GemmTest.randomF32(r, (long) m * n);
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c1, 0, n);
        PackedB packed = PackedB.pack(false, k, n, b, 0, n);
        for (int repeat = 0; repeat < 3; repeat++) {
            Gemm.sgemmPacked(false, m, 1f, a, 0, k, packed, 0f, c2, 0, n);
            for (long i = 0; i < (long) m * n; i++) {
                assertEquals(c1.getAtIndex(JAVA_FLOAT_UNALIGNED, i), c2.getAtIndex(JAVA_FLOAT_UNALIGNED, i), 1e-4f, "element " + i);
            }
        }
    }

    @Test
    void packingRefusesEmptyMatricesAndShortLeadingDimensions() {
        MemorySegment b = GemmTest.randomF32(new SplittableRandom(9), 64);
        assertThrows(IllegalArgumentException.class, () -> PackedB.pack(false, 0, 4, b, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> PackedB.pack(false, 4, 8, b, 0, 4));
    }
}
