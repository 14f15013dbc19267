package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The unpacked kernel against the scalar reference: odd rows, column tails of every width, short and odd k. */
class RowGemmTest {
    @Test
    void matchesReferenceOnAwkwardShapes() {
        check(new int[] {1, 2, 3, 9}, new int[] {8, 9, 31, 32, 33, 40, 64, 70}, new int[] {1, 2, 9, 17});
    }

    /** Deep products with wide column tails (a GPT token's 1 × 128 × 384 and 1 × 512 × 128). */
    @Test
    void deepProductsMatchReference() {
        check(new int[] {1, 2}, new int[] {130, 200, 384}, new int[] {300, 511});
    }

    /** B stored n × k (transposed): four dot products at a time, column tails of 1-3, k tails, A read with strides. */
    @Test
    void transposedBMatchesReference() {
        SplittableRandom r = new SplittableRandom(9);
        for (int m : new int[] {1, 2}) for (int n : new int[] {1, 3, 4, 7, 65}) for (int k : new int[] {16, 17, 40, 128, 131})
            for (boolean ta : new boolean[] {false, true}) for (float beta : new float[] {0f, 0.5f}) {
                long lda = (ta ? m : k) + 2, ldb = k + 3, ldc = n + 2;
                MemorySegment a = GemmTest.randomF32(r, (ta ? k : m) * lda + 1), b = GemmTest.randomF32(r, n * ldb + 2);
                MemorySegment c = GemmTest.randomF32(r, m * ldc + 3);
                if (beta == 0f) for (long i = 0; i < m * ldc + 3; i += 5) c.setAtIndex(JAVA_FLOAT_UNALIGNED, i, Float.NaN);
                MemorySegment want = GemmTest.copy(c), viaGemm = GemmTest.copy(c);
                GemmReference.sgemm(ta, true, m, n, k, -0.75f, a, 1, lda, b, 2, ldb, beta, want, 3, ldc);
                RowGemm.sgemmTransB(m, n, k, -0.75f, a, 1, ta ? 1 : lda, ta ? lda : 1, b, 2, ldb, beta, c, 3, ldc);
                Gemm.sgemm(ta, true, m, n, k, -0.75f, a, 1, lda, b, 2, ldb, beta, viaGemm, 3, ldc);
                for (long i = 0; i < m; i++) {
                    for (long j = 0; j < ldc; j++) {
                        long at = 3 + i * ldc + j;
                        float w = want.getAtIndex(JAVA_FLOAT_UNALIGNED, at), g = c.getAtIndex(JAVA_FLOAT_UNALIGNED, at);
                        String where = "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " beta=" + beta + " at " + i + "," + j;
                        if (j >= n) {
                            assertEquals(Float.floatToIntBits(w), Float.floatToIntBits(g), "padding touched: " + where);
                        } else {
                            assertEquals(w, g, 1e-5f * k, where);
                            assertEquals(w, viaGemm.getAtIndex(JAVA_FLOAT_UNALIGNED, at), 1e-5f * k, "through Gemm.sgemm: " + where);
                        }
                    }
                }
            }
    }

    private static void check(int[] ms, int[] ns, int[] ks) {
        SplittableRandom r = new SplittableRandom(7);
        for (int m : ms) for (int n : ns) for (int k : ks) for (boolean ta : new boolean[] {false, true}) for (float beta : new float[] {0f, 0.5f}) {
            int pad = 2;
            long lda = (ta ? m : k) + pad, ldb = n + pad, ldc = n + pad;
            MemorySegment a = GemmTest.randomF32(r, (ta ? k : m) * lda + 1), b = GemmTest.randomF32(r, k * ldb + 2);
            MemorySegment c = GemmTest.randomF32(r, m * ldc + 3);
            if (beta == 0f) for (long i = 0; i < m * ldc + 3; i += 5) c.setAtIndex(JAVA_FLOAT_UNALIGNED, i, Float.NaN);
            MemorySegment want = GemmTest.copy(c);
            GemmReference.sgemm(ta, false, m, n, k, 1.5f, a, 1, lda, b, 2, ldb, beta, want, 3, ldc);
            RowGemm.sgemm(m, n, k, 1.5f, a, 1, ta ? 1 : lda, ta ? lda : 1, b, 2, ldb, beta, c, 3, ldc);
            for (long i = 0; i < m; i++) {
                for (long j = 0; j < ldc; j++) {
                    float w = want.getAtIndex(JAVA_FLOAT_UNALIGNED, 3 + i * ldc + j), g = c.getAtIndex(JAVA_FLOAT_UNALIGNED, 3 + i * ldc + j);
                    String where = "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " beta=" + beta + " at " + i + "," + j;
                    if (j >= n) assertEquals(Float.floatToIntBits(w), Float.floatToIntBits(g), "padding touched: " + where);
                    else assertEquals(w, g, 1e-5f * Math.max(1, k), where);
                }
            }
        }
    }

    @Test
    void takesOnlyTheShapesItIsFastFor() {
        assertTrue(RowGemm.suits(false, 1, 64, 576));       // a Dense layer on one image
        assertTrue(RowGemm.suits(false, 2, FloatVector.SPECIES_PREFERRED.length(), 64));  // one vector wide, whatever the width
        assertTrue(RowGemm.suits(true, 1, 65, 128));        // B transposed: dot products (a GPT's tied output head)
        assertFalse(RowGemm.suits(true, 1, 64, FloatVector.SPECIES_PREFERRED.length() - 1));  // shallower than one vector
        assertFalse(RowGemm.suits(false, 9, 64, 576));      // ties with OpenBLAS there
        assertFalse(RowGemm.suits(false, 21632, 32, 9));    // memory-bound either way
        assertFalse(RowGemm.suits(false, 1, FloatVector.SPECIES_PREFERRED.length() - 1, 4));  // narrower than one vector
    }
}
