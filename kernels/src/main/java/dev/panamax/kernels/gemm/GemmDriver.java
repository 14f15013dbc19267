package dev.panamax.kernels.gemm;

import static dev.panamax.kernels.gemm.GemmConfig.KC;
import static dev.panamax.kernels.gemm.GemmConfig.MC;
import static dev.panamax.kernels.gemm.GemmConfig.MR;
import static dev.panamax.kernels.gemm.GemmConfig.NC;
import static dev.panamax.kernels.gemm.GemmConfig.NR;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

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
        final float[] tile = new float[MR * NR];
        final float[] tmp = new float[MR * KC];
        /** 4.7 MB at the default sizes: made on first use, as a pool worker helping a parallel product never packs B. */
        private float[] b;

        float[] b() {
            if (b == null) b = new float[KC * NC];
            return b;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private GemmDriver() {}

    private static boolean vectorTileFits() {
        return Microkernel.L * 2 == NR;
    }

    /**
     * C (m × n) = alpha·op(A)·op(B) + beta·C where {@code op(A)(i, p) = a[aOff + i·ars + p·acs]} and
     * {@code op(B)(p, j) = b[bOff + p·brs + j·bcs]}; C row-major with leading dimension ldc.
     *
     * <p>On more than one thread the product is split the way BLIS splits it: each B block is packed once,
     * its panels shared out among the threads, into the calling thread's buffer; then the threads claim row
     * chunks of C ({@link #rowChunks}), packing A for each chunk they take and multiplying it by the whole
     * block. Splitting C by columns made every thread pack all of A; one fixed half per thread left the
     * early thread parked while the other finished (1.7 of 2 cores busy).
     */
    static void run(int threads, int m, int n, int k, float alpha, MemorySegment a, long aOff, long ars, long acs,
                    MemorySegment b, long bOff, long brs, long bcs, float beta, MemorySegment c, long cOff, long ldc) {
        Buffers own = BUFFERS.get();
        float[] packedB = own.b();
        int[] chunks = threads > 1 ? rowChunks(m, threads) : null;
        for (int jc0 = 0; jc0 < n; jc0 += NC) {
            int jc = jc0, nc = Math.min(NC, n - jc);
            for (int pc0 = 0; pc0 < k; pc0 += KC) {
                int pc = pc0, kc = Math.min(KC, k - pc);
                float betaNow = pc == 0 ? beta : 1f;
                if (chunks == null) {
                    Pack.b(packedB, 0, b, bOff, brs, bcs, pc, kc, jc, nc, own.tmp);
                    rows(0, m, kc, nc, jc, pc, packedB, alpha, betaNow, a, aOff, ars, acs, c, cOff, ldc);
                    continue;
                }
                Parallel.forRange((nc + NR - 1) / NR, 1, (from, to) -> {
                    int j0 = (int) from * NR, j1 = Math.min(nc, (int) to * NR);
                    Pack.b(packedB, j0 * kc, b, bOff, brs, bcs, pc, kc, jc + j0, j1 - j0, BUFFERS.get().tmp);
                });
                Parallel.forChunks(chunks.length - 1, (from, to) -> {
                    for (int i = (int) from; i < to; i++) {
                        rows(chunks[i], chunks[i + 1], kc, nc, jc, pc, packedB, alpha, betaNow, a, aOff, ars, acs, c, cOff, ldc);
                    }
                });
            }
        }
    }

    /** Fewest rows in a chunk of {@link #rowChunks}: below it a chunk reads the B block for too little work. */
    static final int MIN_CHUNK_ROWS = 8 * MR;

    /**
     * Boundaries of the row chunks threads claim: whole {@code MC} blocks while many rows remain, then chunks
     * shrinking with what is left (down to {@link #MIN_CHUNK_ROWS}), so the threads run out of work together.
     * Every chunk but the last is a multiple of {@code MR} rows.
     */
    static int[] rowChunks(int m, int threads) {
        int[] bounds = new int[m / MIN_CHUNK_ROWS + 2];
        int count = 0;
        for (int i = 0; i < m; ) {
            int left = m - i;
            int guided = (left / (2 * threads) + MR - 1) / MR * MR;
            int size = Math.min(MC, Math.max(MIN_CHUNK_ROWS, guided));
            if (left - size < MIN_CHUNK_ROWS) size = Math.min(left, MC);
            i += size;
            bounds[++count] = i;
        }
        return Arrays.copyOf(bounds, count + 1);
    }

    /** Rows {@code [i0, i1)} of one packed B block's product, A packed block by block in this thread's buffer. */
    private static void rows(int i0, int i1, int kc, int nc, int jc, int pc, float[] packedB, float alpha, float beta,
                             MemorySegment a, long aOff, long ars, long acs, MemorySegment c, long cOff, long ldc) {
        Buffers own = BUFFERS.get();
        for (int ic = i0; ic < i1; ic += MC) {
            int mc = Math.min(MC, i1 - ic);
            Pack.a(own.a, a, aOff, ars, acs, ic, mc, pc, kc, own.tmp);
            macro(kc, mc, nc, 0, (nc + NR - 1) / NR, own.a, packedB, own.tile, alpha, beta, c, cOff + (long) ic * ldc + jc, ldc);
        }
    }

    /**
     * Column panels {@code [panel0, panel1)} of C (m × n) = alpha·op(A)·B + beta·C for a {@link PackedB}: the same loop
     * nest as {@link #run} on one thread, with B's blocks read where they were packed once.
     */
    static void runPacked(int m, float alpha, MemorySegment a, long aOff, long ars, long acs, PackedB b, int panel0, int panel1,
                          float beta, MemorySegment c, long cOff, long ldc) {
        Buffers own = BUFFERS.get();
        int perBlock = NC / NR;
        for (int jb = panel0 / perBlock; jb * perBlock < panel1; jb++) {
            int jc = jb * NC, nc = Math.min(NC, b.n - jc);
            int from = Math.max(panel0, jb * perBlock) - jb * perBlock, to = Math.min(panel1, (jb + 1) * perBlock) - jb * perBlock;
            for (int pb = 0; pb < b.kBlocks; pb++) {
                int pc = pb * KC, kc = Math.min(KC, b.k - pc);
                float betaNow = pb == 0 ? beta : 1f;
                float[] block = b.blocks[jb * b.kBlocks + pb];
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    Pack.a(own.a, a, aOff, ars, acs, ic, mc, pc, kc, own.tmp);
                    macro(kc, mc, nc, from, to, own.a, block, own.tile, alpha, betaNow, c, cOff + (long) ic * ldc + jc, ldc);
                }
            }
        }
    }

    /** The tiles in column panels {@code [panel0, panel1)} of one packed (mc × kc) · (kc × nc) block product. */
    private static void macro(int kc, int mc, int nc, int panel0, int panel1, float[] packedA, float[] packedB, float[] tile,
                              float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        for (int jr = panel0 * NR, end = Math.min(nc, panel1 * NR); jr < end; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = (jr / NR) * NR * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int ao = (ir / MR) * MR * kc;
                long tileOff = cOff + (long) ir * ldc + jr;
                if (VECTOR) {
                    Microkernel.tile(kc, packedA, ao, packedB, bo, tile);
                    Microkernel.update(tile, mr, nr, alpha, beta, c, tileOff, ldc);
                } else {
                    MicrokernelScalar.tile(kc, packedA, ao, packedB, bo, tile);
                    MicrokernelScalar.update(tile, mr, nr, alpha, beta, c, tileOff, ldc);
                }
            }
        }
    }
}
