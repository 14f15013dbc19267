package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM without packing, for one or two rows of C (a Dense layer on a single image): packing B costs more than
 * the product. Two rows of C at a time are built in registers, {@code C[i, j..j+4L) = Σ_p A[i, p] · B[p, j..j+4L)},
 * two broadcasts of A and four loads of B per step, reading B's rows in place: they must be contiguous
 * ({@code B} not transposed). Measured here against OpenBLAS (1 thread): 1 × 576 × 64 in 4-5 µs against 20;
 * on 9 × 576 × 64 and on a k = 9 first convolution the two tied, and on those memory-bound shapes neither beat
 * the machine's memory bandwidth, so they stay with OpenBLAS. Native segments only: a call site that sees heap
 * segments stops being vectorised.
 */
public final class RowGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private RowGemm() {}

    /** Whether this kernel beats a packed GEMM on the shape: B not transposed, at most two rows of C, at least one vector wide. */
    public static boolean suits(boolean transB, int m, int n, int k) {
        return GemmConfig.SHAPE_KERNELS && !transB && m <= 2 && n >= L;
    }

    /**
     * {@code C = alpha·op(A)·B + beta·C}, row-major, B not transposed; {@code op(A)(i, p) = a[aOff + i·ars + p·acs]}.
     * C is not read when {@code beta == 0}. All three segments must be native.
     */
    public static void sgemm(int m, int n, int k, float alpha, MemorySegment a, long aOff, long ars, long acs,
                             MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc) {
        int i = 0;
        for (; i + 2 <= m; i += 2) rows(2, n, k, alpha, a, aOff + i * ars, ars, acs, b, bOff, ldb, beta, c, cOff + i * ldc, ldc);
        if (i < m) rows(1, n, k, alpha, a, aOff + i * ars, ars, acs, b, bOff, ldb, beta, c, cOff + i * ldc, ldc);
    }

    /** One or two rows of C, across all columns. */
    private static void rows(int r, int n, int k, float alpha, MemorySegment a, long aRow, long ars, long acs,
                             MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cRow, long ldc) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            if (r == 2) block2x4(k, alpha, a, aRow, aRow + ars, acs, b, bOff + j, ldb, beta, c, cRow + j, cRow + ldc + j);
            else block1x4(k, alpha, a, aRow, acs, b, bOff + j, ldb, beta, c, cRow + j);
        }
        for (int row = 0; row < r; row++) {
            long aAt = aRow + row * ars, cAt = cRow + row * ldc;
            int jj = j;
            for (; jj + L <= n; jj += L) block1x1(k, alpha, a, aAt, acs, b, bOff + jj, ldb, beta, c, cAt + jj);
            for (; jj < n; jj++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a.getAtIndex(JAVA_FLOAT_UNALIGNED, aAt + p * acs) * b.getAtIndex(JAVA_FLOAT_UNALIGNED, bOff + p * ldb + jj);
                }
                float v = alpha * s;
                if (beta != 0f) v += beta * c.getAtIndex(JAVA_FLOAT_UNALIGNED, cAt + jj);
                c.setAtIndex(JAVA_FLOAT_UNALIGNED, cAt + jj, v);
            }
        }
    }

    /**
     * Two rows by four vectors: eight accumulators, enough independent FMAs to cover the FMA latency, and each
     * load of B feeds two rows.
     */
    private static void block2x4(int k, float alpha, MemorySegment a, long a0, long a1, long acs, MemorySegment b, long bCol,
                                 long ldb, float beta, MemorySegment c, long c0At, long c1At) {
        FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0, y0 = x0, y1 = x0, y2 = x0, y3 = x0;
        for (int p = 0; p < k; p++) {
            long bi = (bCol + p * ldb) * 4;
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + 4L * L, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bi + 8L * L, ORDER);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, bi + 12L * L, ORDER);
            FloatVector u = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, a0 + p * acs));
            FloatVector w = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, a1 + p * acs));
            x0 = u.fma(b0, x0);
            x1 = u.fma(b1, x1);
            x2 = u.fma(b2, x2);
            x3 = u.fma(b3, x3);
            y0 = w.fma(b0, y0);
            y1 = w.fma(b1, y1);
            y2 = w.fma(b2, y2);
            y3 = w.fma(b3, y3);
        }
        store(x0, alpha, beta, c, c0At * 4);
        store(x1, alpha, beta, c, (c0At + L) * 4);
        store(x2, alpha, beta, c, (c0At + 2L * L) * 4);
        store(x3, alpha, beta, c, (c0At + 3L * L) * 4);
        store(y0, alpha, beta, c, c1At * 4);
        store(y1, alpha, beta, c, (c1At + L) * 4);
        store(y2, alpha, beta, c, (c1At + 2L * L) * 4);
        store(y3, alpha, beta, c, (c1At + 3L * L) * 4);
    }

    /** One row by four vectors (a single row streams B once, so loads, not FMA latency, set the pace). */
    private static void block1x4(int k, float alpha, MemorySegment a, long aRow, long acs, MemorySegment b, long bCol, long ldb,
                                 float beta, MemorySegment c, long cAt) {
        FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0;
        for (int p = 0; p < k; p++) {
            long bi = (bCol + p * ldb) * 4;
            FloatVector u = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, aRow + p * acs));
            x0 = u.fma(FloatVector.fromMemorySegment(S, b, bi, ORDER), x0);
            x1 = u.fma(FloatVector.fromMemorySegment(S, b, bi + 4L * L, ORDER), x1);
            x2 = u.fma(FloatVector.fromMemorySegment(S, b, bi + 8L * L, ORDER), x2);
            x3 = u.fma(FloatVector.fromMemorySegment(S, b, bi + 12L * L, ORDER), x3);
        }
        store(x0, alpha, beta, c, cAt * 4);
        store(x1, alpha, beta, c, (cAt + L) * 4);
        store(x2, alpha, beta, c, (cAt + 2L * L) * 4);
        store(x3, alpha, beta, c, (cAt + 3L * L) * 4);
    }

    /** One vector of one row of C (the columns left after the four-vector blocks). */
    private static void block1x1(int k, float alpha, MemorySegment a, long aRow, long acs, MemorySegment b, long bCol, long ldb,
                                 float beta, MemorySegment c, long cAt) {
        FloatVector c0 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            FloatVector ap = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, aRow + p * acs));
            c0 = ap.fma(FloatVector.fromMemorySegment(S, b, (bCol + p * ldb) * 4, ORDER), c0);
        }
        store(c0, alpha, beta, c, cAt * 4);
    }

    private static void store(FloatVector acc, float alpha, float beta, MemorySegment c, long byteAt) {
        FloatVector v = acc.mul(alpha);
        if (beta != 0f) v = FloatVector.fromMemorySegment(S, c, byteAt, ORDER).fma(FloatVector.broadcast(S, beta), v);
        v.intoMemorySegment(c, byteAt, ORDER);
    }
}
