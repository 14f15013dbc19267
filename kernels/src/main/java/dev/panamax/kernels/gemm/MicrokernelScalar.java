package dev.panamax.kernels.gemm;

import static dev.panamax.kernels.gemm.GemmConfig.MR;
import static dev.panamax.kernels.gemm.GemmConfig.NR;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** The microkernel's scalar twin, used when the Vector API is off; same contract as {@link Microkernel}. */
final class MicrokernelScalar {
    private MicrokernelScalar() {}

    static void tile(int kc, float[] a, int ao, float[] b, int bo, float[] tile) {
        java.util.Arrays.fill(tile, 0, MR * NR, 0f);
        for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
            for (int r = 0; r < MR; r++) {
                float av = a[ao + r];
                for (int c = 0; c < NR; c++) tile[r * NR + c] += av * b[bo + c];
            }
        }
    }

    static void update(float[] tile, int mr, int nr, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
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
