package dev.panamax.kernels.gemm;

import static dev.panamax.kernels.gemm.GemmConfig.MR;
import static dev.panamax.kernels.gemm.GemmConfig.NR;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked heart of the GEMM: a {@code 4 × 2·lanes} tile of {@code A_panel · B_panel} held in
 * eight vector accumulators while k runs, one broadcast of A per row and two loads of B per step. Written
 * out by hand because the Vector API compiles to registers only when every accumulator is a plain local; the
 * C update lives in a separate method to keep this one under C2's inlining budget. A 6-row tile (twelve
 * accumulators, BLIS's Haswell shape) measured at half the speed here: C2 spills with 15 live vectors.
 */
final class Microkernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private Microkernel() {}

    /**
     * {@code tile[r·NR + c] = Σ_p a[ao + p·MR + r] · b[bo + p·NR + c]} for the whole {@code MR × NR} tile.
     * Packed panels are zero-padded, so the tile is always full. The two indices step as induction variables:
     * C2 then addresses B from A's index with one {@code lea} and hoists the range checks; computing them as
     * {@code ao + p·MR} and {@code bo + p·NR} cost five integer instructions per step beside the 14 vector
     * ones, 3-12 % of the n = 1024 GEMM (measured alternating both in one JVM).
     */
    static void tile(int kc, float[] a, int ao, float[] b, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int ai = ao, bi = bo, end = ao + kc * MR; ai < end; ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector ar = FloatVector.broadcast(S, a[ai]);
            c00 = ar.fma(b0, c00);
            c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(S, a[ai + 1]);
            c10 = ar.fma(b0, c10);
            c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(S, a[ai + 2]);
            c20 = ar.fma(b0, c20);
            c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(S, a[ai + 3]);
            c30 = ar.fma(b0, c30);
            c31 = ar.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /**
     * {@code C[r, c] = alpha·tile[r, c] + beta·C[r, c]} for the valid {@code mr × nr} corner; C is not read
     * when {@code beta == 0}. Full tiles of a native C use vectors; edges and heap segments are scalar.
     */
    static void update(float[] tile, int mr, int nr, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        if (mr == MR && nr == NR && c.isNative()) {
            for (int r = 0; r < MR; r++) {
                long row = (cOff + r * ldc) * 4;
                for (int v = 0; v < NR; v += L) {
                    FloatVector t = FloatVector.fromArray(S, tile, r * NR + v).mul(alpha);
                    if (beta != 0f) t = FloatVector.fromMemorySegment(S, c, row + v * 4L, ORDER).fma(FloatVector.broadcast(S, beta), t);
                    t.intoMemorySegment(c, row + v * 4L, ORDER);
                }
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                long ci = cOff + r * ldc + j;
                float v = alpha * tile[r * NR + j];
                if (beta != 0f) v += beta * c.getAtIndex(JAVA_FLOAT_UNALIGNED, ci);
                c.setAtIndex(JAVA_FLOAT_UNALIGNED, ci, v);
            }
        }
    }
}
