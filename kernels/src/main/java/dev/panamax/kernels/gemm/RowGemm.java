package dev.panamax.kernels.gemm;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.LaneSum;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM without packing, for one or two rows of C (a Dense layer on a single image): packing B costs more than
 * the product. Each row of C is built in registers, {@code C[i, j..j+4L) = Σ_p A[i, p] · B[p, j..j+4L)}, one
 * broadcast of A and four loads of B per step, reading B's rows in place: they must be contiguous
 * ({@code B} not transposed). Measured here against OpenBLAS (1 thread): 1 × 576 × 64 in 4-5 µs against 20;
 * on 9 × 576 × 64 and on a k = 9 first convolution the two tied (both far below the FMA peak), so those stay
 * with OpenBLAS. Native segments only: a call site that sees heap
 * segments stops being vectorised.
 */
public final class RowGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private RowGemm() {}

    /**
     * Whether this kernel beats a packed GEMM on the shape: at most two rows of C, and at least one vector wide (B as
     * stored) or, B transposed, at least one vector deep (each element of C one dot product of two contiguous rows: a
     * language model's output head tied to its embedding table).
     */
    public static boolean suits(boolean transB, int m, int n, int k) {
        return GemmConfig.SHAPE_KERNELS && m <= 2 && (transB ? k >= L : n >= L);
    }

    /**
     * {@code C = alpha·op(A)·Bᵀ + beta·C} with B stored {@code n × k} row-major: {@code C[i, j] = Σ_p A[i, p]·B[j, p]},
     * four columns of C at a time so that each vector of A is loaded once for four rows of B. Native segments only.
     */
    public static void sgemmTransB(int m, int n, int k, float alpha, MemorySegment a, long aOff, long ars, long acs,
                                   MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            long aRow = aOff + i * ars, cRow = cOff + i * ldc;
            int j = 0;
            if (acs == 1) {
                for (; j + 4 <= n; j += 4) dots4(k, alpha, a, aRow, b, bOff + j * ldb, ldb, beta, c, cRow + j);
            }
            for (; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a.getAtIndex(JAVA_FLOAT_UNALIGNED, aRow + p * acs) * b.getAtIndex(JAVA_FLOAT_UNALIGNED, bOff + j * ldb + p);
                }
                put(c, cRow + j, alpha * s, beta);
            }
        }
    }

    /** Four dot products of a contiguous row of A with four contiguous rows of B, vectors over k, a scalar tail. */
    private static void dots4(int k, float alpha, MemorySegment a, long aRow, MemorySegment b, long bRow, long ldb, float beta,
                              MemorySegment c, long cAt) {
        FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0;
        long a0 = aRow * 4, b0 = bRow * 4, step = ldb * 4;
        int p = 0;
        for (; p + L <= k; p += L) {
            FloatVector u = FloatVector.fromMemorySegment(S, a, a0 + p * 4L, ORDER);
            long bp = b0 + p * 4L;
            x0 = u.fma(FloatVector.fromMemorySegment(S, b, bp, ORDER), x0);
            x1 = u.fma(FloatVector.fromMemorySegment(S, b, bp + step, ORDER), x1);
            x2 = u.fma(FloatVector.fromMemorySegment(S, b, bp + 2 * step, ORDER), x2);
            x3 = u.fma(FloatVector.fromMemorySegment(S, b, bp + 3 * step, ORDER), x3);
        }
        float[] lanes = LaneSum.scratch();  // summed in lane order in every JIT tier; reduceLanes(ADD) is not
        x0.intoArray(lanes, 0);
        float s0 = LaneSum.sum(lanes, L);
        x1.intoArray(lanes, 0);
        float s1 = LaneSum.sum(lanes, L);
        x2.intoArray(lanes, 0);
        float s2 = LaneSum.sum(lanes, L);
        x3.intoArray(lanes, 0);
        float s3 = LaneSum.sum(lanes, L);
        for (; p < k; p++) {
            float u = a.getAtIndex(JAVA_FLOAT_UNALIGNED, aRow + p);
            s0 += u * b.getAtIndex(JAVA_FLOAT_UNALIGNED, bRow + p);
            s1 += u * b.getAtIndex(JAVA_FLOAT_UNALIGNED, bRow + ldb + p);
            s2 += u * b.getAtIndex(JAVA_FLOAT_UNALIGNED, bRow + 2 * ldb + p);
            s3 += u * b.getAtIndex(JAVA_FLOAT_UNALIGNED, bRow + 3 * ldb + p);
        }
        put(c, cAt, alpha * s0, beta);
        put(c, cAt + 1, alpha * s1, beta);
        put(c, cAt + 2, alpha * s2, beta);
        put(c, cAt + 3, alpha * s3, beta);
    }

    private static void put(MemorySegment c, long at, float v, float beta) {
        c.setAtIndex(JAVA_FLOAT_UNALIGNED, at, beta == 0f ? v : v + beta * c.getAtIndex(JAVA_FLOAT_UNALIGNED, at));
    }

    /**
     * {@code C = alpha·op(A)·B + beta·C}, row-major, B not transposed; {@code op(A)(i, p) = a[aOff + i·ars + p·acs]}.
     * C is not read when {@code beta == 0}. All three segments must be native.
     */
    public static void sgemm(int m, int n, int k, float alpha, MemorySegment a, long aOff, long ars, long acs,
                             MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) row(n, k, alpha, a, aOff + i * ars, acs, b, bOff, ldb, beta, c, cOff + i * ldc);
    }

    /** One row of C, across all columns. */
    private static void row(int n, int k, float alpha, MemorySegment a, long aRow, long acs, MemorySegment b, long bOff, long ldb,
                            float beta, MemorySegment c, long cRow) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) block1x4(k, alpha, a, aRow, acs, b, bOff + j, ldb, beta, c, cRow + j);
        for (; j + L <= n; j += L) block1x1(k, alpha, a, aRow, acs, b, bOff + j, ldb, beta, c, cRow + j);
        for (; j < n; j++) {
            float s = 0f;
            for (int p = 0; p < k; p++) {
                s += a.getAtIndex(JAVA_FLOAT_UNALIGNED, aRow + p * acs) * b.getAtIndex(JAVA_FLOAT_UNALIGNED, bOff + p * ldb + j);
            }
            float v = alpha * s;
            if (beta != 0f) v += beta * c.getAtIndex(JAVA_FLOAT_UNALIGNED, cRow + j);
            c.setAtIndex(JAVA_FLOAT_UNALIGNED, cRow + j, v);
        }
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
        // The stores are written out here rather than in a helper taking a vector: a call C2 leaves out of line
        // boxes its vector argument (96 bytes a call, seen in a fresh JVM by ZeroAllocationTest).
        long c0 = cAt * 4, c1 = (cAt + L) * 4, c2 = (cAt + 2L * L) * 4, c3 = (cAt + 3L * L) * 4;
        if (beta == 0f) {
            x0.mul(alpha).intoMemorySegment(c, c0, ORDER);
            x1.mul(alpha).intoMemorySegment(c, c1, ORDER);
            x2.mul(alpha).intoMemorySegment(c, c2, ORDER);
            x3.mul(alpha).intoMemorySegment(c, c3, ORDER);
        } else {
            FloatVector betas = FloatVector.broadcast(S, beta);
            FloatVector.fromMemorySegment(S, c, c0, ORDER).fma(betas, x0.mul(alpha)).intoMemorySegment(c, c0, ORDER);
            FloatVector.fromMemorySegment(S, c, c1, ORDER).fma(betas, x1.mul(alpha)).intoMemorySegment(c, c1, ORDER);
            FloatVector.fromMemorySegment(S, c, c2, ORDER).fma(betas, x2.mul(alpha)).intoMemorySegment(c, c2, ORDER);
            FloatVector.fromMemorySegment(S, c, c3, ORDER).fma(betas, x3.mul(alpha)).intoMemorySegment(c, c3, ORDER);
        }
    }

    /** One vector of one row of C (the columns left after the four-vector blocks). */
    private static void block1x1(int k, float alpha, MemorySegment a, long aRow, long acs, MemorySegment b, long bCol, long ldb,
                                 float beta, MemorySegment c, long cAt) {
        FloatVector c0 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            FloatVector ap = FloatVector.broadcast(S, a.getAtIndex(JAVA_FLOAT_UNALIGNED, aRow + p * acs));
            c0 = ap.fma(FloatVector.fromMemorySegment(S, b, (bCol + p * ldb) * 4, ORDER), c0);
        }
        FloatVector v = c0.mul(alpha);  // stored here, not by a helper: see block1x4
        if (beta != 0f) v = FloatVector.fromMemorySegment(S, c, cAt * 4, ORDER).fma(FloatVector.broadcast(S, beta), v);
        v.intoMemorySegment(c, cAt * 4, ORDER);
    }
}
