package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * The scalar twin of {@link Gemm}: the definition of the contract, and the test oracle. Sums in double.
 * {@code C = alpha · op(A) · op(B) + beta · C}, row-major, {@code op(X) = X} or {@code Xᵀ}; when
 * {@code beta == 0} C is not read (NaN in C does not propagate).
 */
public final class GemmReference {
    private GemmReference() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                             float beta, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = a.getAtIndex(JAVA_FLOAT_UNALIGNED, aOff + (transA ? p * lda + i : i * lda + p));
                    float bv = b.getAtIndex(JAVA_FLOAT_UNALIGNED, bOff + (transB ? j * ldb + p : p * ldb + j));
                    s += (double) av * bv;
                }
                long ci = cOff + i * ldc + j;
                double prior = beta == 0 ? 0 : beta * (double) c.getAtIndex(JAVA_FLOAT_UNALIGNED, ci);
                c.setAtIndex(JAVA_FLOAT_UNALIGNED, ci, (float) (alpha * s + prior));
            }
        }
    }

    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                             double beta, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a.getAtIndex(JAVA_DOUBLE_UNALIGNED, aOff + (transA ? p * lda + i : i * lda + p))
                            * b.getAtIndex(JAVA_DOUBLE_UNALIGNED, bOff + (transB ? j * ldb + p : p * ldb + j));
                }
                long ci = cOff + i * ldc + j;
                double prior = beta == 0 ? 0 : beta * c.getAtIndex(JAVA_DOUBLE_UNALIGNED, ci);
                c.setAtIndex(JAVA_DOUBLE_UNALIGNED, ci, alpha * s + prior);
            }
        }
    }
}
