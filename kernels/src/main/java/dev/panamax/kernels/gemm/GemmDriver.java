package dev.panamax.kernels.gemm;

import static dev.panamax.kernels.gemm.GemmConfig.KC;
import static dev.panamax.kernels.gemm.GemmConfig.MC;
import static dev.panamax.kernels.gemm.GemmConfig.MR;
import static dev.panamax.kernels.gemm.GemmConfig.NC;
import static dev.panamax.kernels.gemm.GemmConfig.NR;

import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;

/**
 * The BLIS loop nest around the microkernel, for one thread's share of C:
 * <pre>
 * for jc in n step NC:                 B block (KC × NC) → L3, packed once per (jc, pc)
 *   for pc in k step KC:
 *     pack B[pc.., jc..]
 *     for ic in m step MC:             A block (MC × KC) → L2
 *       pack A[ic.., pc..]
 *       for jr in nc step NR:          B micro-panel (KC × NR) → L1
 *         for ir in mc step MR:        C tile (MR × NR) → registers
 *           tile = A_panel · B_panel;  C = alpha·tile + beta'·C
 * </pre>
 * {@code beta'} is the caller's beta on the first k block and 1 after it, so C is read only when it must be.
 * Packing buffers are per thread and reused: a warm GEMM allocates nothing.
 */
final class GemmDriver {
    private static final boolean VECTOR = Simd.ENABLED && vectorTileFits();

    /** Per-thread packing space. */
    private static final class Buffers {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        final float[] tmp = new float[MR * KC];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private GemmDriver() {}

    private static boolean vectorTileFits() {
        return Microkernel.L * 2 == NR;
    }

    /**
     * C (m × n) = alpha·op(A)·op(B) + beta·C where {@code op(A)(i, p) = a[aOff + i·ars + p·acs]} and
     * {@code op(B)(p, j) = b[bOff + p·brs + j·bcs]}; C row-major with leading dimension ldc.
     */
    static void run(int m, int n, int k, float alpha, MemorySegment a, long aOff, long ars, long acs,
                    MemorySegment b, long bOff, long brs, long bcs, float beta, MemorySegment c, long cOff, long ldc) {
        Buffers buf = BUFFERS.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float betaNow = pc == 0 ? beta : 1f;
                Pack.b(buf.b, b, bOff, brs, bcs, pc, kc, jc, nc, buf.tmp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    Pack.a(buf.a, a, aOff, ars, acs, ic, mc, pc, kc, buf.tmp);
                    macro(kc, mc, nc, buf, alpha, betaNow, c, cOff + (long) ic * ldc + jc, ldc);
                }
            }
        }
    }

    /** All tiles of one packed (mc × kc) · (kc × nc) block product. */
    private static void macro(int kc, int mc, int nc, Buffers buf, float alpha, float beta,
                              MemorySegment c, long cOff, long ldc) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = (jr / NR) * NR * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int ao = (ir / MR) * MR * kc;
                long tileOff = cOff + (long) ir * ldc + jr;
                if (VECTOR) {
                    Microkernel.tile(kc, buf.a, ao, buf.b, bo, buf.tile);
                    Microkernel.update(buf.tile, mr, nr, alpha, beta, c, tileOff, ldc);
                } else {
                    MicrokernelScalar.tile(kc, buf.a, ao, buf.b, bo, buf.tile);
                    MicrokernelScalar.update(buf.tile, mr, nr, alpha, beta, c, tileOff, ldc);
                }
            }
        }
    }
}
