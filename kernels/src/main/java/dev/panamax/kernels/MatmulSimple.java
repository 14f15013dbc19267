package dev.panamax.kernels;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * A straightforward row-major matrix product, {@code C (m, n) = A (m, k) · B (k, n)}, leading dimensions in
 * elements, C overwritten and never read. B is copied once to a Java array and each row of C is built as a sum
 * of scaled rows of B: C2 auto-vectorises such loops over arrays (not over segments). Rows are split across
 * cores. The BLIS-style GEMM replaces this on the hot path; it stays as the readable version.
 */
public final class MatmulSimple {
    private MatmulSimple() {}

    public static void f32(MemorySegment c, long cOff, long ldc, MemorySegment a, long aOff, long lda,
                           MemorySegment b, long bOff, long ldb, int m, int n, int k) {
        float[] bArr = new float[Math.multiplyExact(k, n)];  // (k, n)
        for (int p = 0; p < k; p++) MemorySegment.copy(b, JAVA_FLOAT, (bOff + p * ldb) * 4, bArr, p * n, n);
        Parallel.forRange(m, Math.max(1, 32768 / Math.max(1, (long) n * k)), (from, to) -> {
            float[] row = new float[n];
            float[] aRow = new float[k];
            for (long i = from; i < to; i++) {
                java.util.Arrays.fill(row, 0f);
                MemorySegment.copy(a, JAVA_FLOAT, (aOff + i * lda) * 4, aRow, 0, k);
                for (int p = 0; p < k; p++) axpy(aRow[p], bArr, p * n, row);
                MemorySegment.copy(row, 0, c, JAVA_FLOAT, (cOff + i * ldc) * 4, n);
            }
        });
    }

    public static void f64(MemorySegment c, long cOff, long ldc, MemorySegment a, long aOff, long lda,
                           MemorySegment b, long bOff, long ldb, int m, int n, int k) {
        double[] bArr = new double[Math.multiplyExact(k, n)];  // (k, n)
        for (int p = 0; p < k; p++) MemorySegment.copy(b, JAVA_DOUBLE, (bOff + p * ldb) * 8, bArr, p * n, n);
        Parallel.forRange(m, Math.max(1, 32768 / Math.max(1, (long) n * k)), (from, to) -> {
            double[] row = new double[n];
            double[] aRow = new double[k];
            for (long i = from; i < to; i++) {
                java.util.Arrays.fill(row, 0.0);
                MemorySegment.copy(a, JAVA_DOUBLE, (aOff + i * lda) * 8, aRow, 0, k);
                for (int p = 0; p < k; p++) axpy(aRow[p], bArr, p * n, row);
                MemorySegment.copy(row, 0, c, JAVA_DOUBLE, (cOff + i * ldc) * 8, n);
            }
        });
    }

    private static void axpy(float alpha, float[] x, int xOff, float[] y) {
        for (int j = 0; j < y.length; j++) y[j] += alpha * x[xOff + j];
    }

    private static void axpy(double alpha, double[] x, int xOff, double[] y) {
        for (int j = 0; j < y.length; j++) y[j] += alpha * x[xOff + j];
    }

    /** Triple-loop reference in double precision, the test oracle. */
    public static void referenceF64(MemorySegment c, long cOff, long ldc, MemorySegment a, long aOff, long lda,
                                    MemorySegment b, long bOff, long ldb, int m, int n, int k) {
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                double s = 0;
                for (long p = 0; p < k; p++) {
                    s += a.getAtIndex(JAVA_DOUBLE, aOff + i * lda + p) * b.getAtIndex(JAVA_DOUBLE, bOff + p * ldb + j);
                }
                c.setAtIndex(JAVA_DOUBLE, cOff + i * ldc + j, s);
            }
        }
    }
}
