package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The unpacked few-rows kernel against the scalar reference: row counts around its groups of four, every kind of
 * column tail (whole blocks, single vectors, scalars), transposed A, beta 0 (C never read) and not, 1 and 2 threads.
 */
class FewRowsGemmTest {
    @Test
    void matchesReferenceOnAwkwardShapes() {
        SplittableRandom r = new SplittableRandom(11);
        int l = Simd.floatLanes();
        // k = 1100 at n = 12 blocks and 32 rows passes PARALLEL_MIN_MACS (2^23): the columns are then split between threads.
        int[] ms = {3, 4, 5, 7, 16, 31, 32}, ns = {4 * l, 4 * l + 1, 5 * l, 9 * l + 3, 48 * l}, ks = {1, 7, 64, 1100};
        for (int m : ms) for (int n : ns) for (int k : ks) for (boolean ta : new boolean[] {false, true})
            for (float beta : new float[] {0f, 0.5f}) for (int threads : new int[] {1, 2}) {
                int pad = 3;
                long lda = (ta ? m : k) + pad, ldb = n + pad, ldc = n + pad;
                MemorySegment a = GemmTest.randomF32(r, (ta ? k : m) * lda + 1), b = GemmTest.randomF32(r, k * ldb + 2);
                MemorySegment c = GemmTest.randomF32(r, m * ldc + 3);
                if (beta == 0f) for (long i = 0; i < m * ldc + 3; i += 5) c.setAtIndex(JAVA_FLOAT_UNALIGNED, i, Float.NaN);
                MemorySegment want = GemmTest.copy(c);
                GemmReference.sgemm(ta, false, m, n, k, 1.5f, a, 1, lda, b, 2, ldb, beta, want, 3, ldc);
                FewRowsGemm.sgemm(threads, m, n, k, 1.5f, a, 1, ta ? 1 : lda, ta ? lda : 1, b, 2, ldb, beta, c, 3, ldc);
                for (long i = 0; i < m; i++) {
                    for (long j = 0; j < ldc; j++) {
                        float w = want.getAtIndex(JAVA_FLOAT_UNALIGNED, 3 + i * ldc + j), g = c.getAtIndex(JAVA_FLOAT_UNALIGNED, 3 + i * ldc + j);
                        String where = "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " beta=" + beta + " threads=" + threads + " at " + i + "," + j;
                        if (j >= n) assertEquals(Float.floatToIntBits(w), Float.floatToIntBits(g), "padding touched: " + where);
                        else assertEquals(w, g, 1e-5f * Math.max(1, k), where);
                    }
                }
            }
    }

    @Test
    void takesOnlyFewRowsOfAnUntransposedB() {
        int l = Simd.floatLanes();
        assertEquals(Simd.ENABLED, FewRowsGemm.suits(false, 16, 384));
        assertFalse(FewRowsGemm.suits(true, 16, 384), "transposed B");
        assertFalse(FewRowsGemm.suits(false, 2, 384), "one or two rows are RowGemm's");
        assertFalse(FewRowsGemm.suits(false, FewRowsGemm.MAX_ROWS + 1, 384), "many rows pay for packing");
        assertFalse(FewRowsGemm.suits(false, 16, 4 * l - 1), "narrower than one column block");
        assertTrue(!Simd.ENABLED || FewRowsGemm.suits(false, 3, 4 * l));
    }
}
