package dev.panamax.kernels.gemm;

import static dev.panamax.kernels.gemm.GemmConfig.KC;
import static dev.panamax.kernels.gemm.GemmConfig.NC;
import static dev.panamax.kernels.gemm.GemmConfig.NR;

import java.lang.foreign.MemorySegment;

/**
 * A constant right-hand matrix {@code op(B)} (k × n) packed once into the panels the microkernel reads, block by
 * block ({@code KC} deep, {@code NC} wide), for products repeated with many different left-hand sides: a weight
 * matrix in inference. A product of a few rows by a packed matrix reads each weight once, straight from this copy;
 * packing on every call read it, wrote it and read it again (ONNX Runtime prepacks its weights the same way).
 * Immutable once made, so one instance serves every thread; it holds {@code 4·k·n} bytes (plus panel padding) on
 * the heap.
 */
public final class PackedB {
    final int k;
    final int n;
    /** Block {@code (jb, pb)} at {@code [jb · kBlocks + pb]}: panels of {@code NR} columns, as {@link Pack#b} lays them out. */
    final float[][] blocks;
    final int kBlocks;

    private PackedB(int k, int n, float[][] blocks, int kBlocks) {
        this.k = k;
        this.n = n;
        this.blocks = blocks;
        this.kBlocks = kBlocks;
    }

    /**
     * Packs {@code op(B)}, k × n, stored row-major with leading dimension {@code ldb} at element offset {@code bOff}
     * ({@code n × k} when {@code transB}), as {@link Gemm#sgemm} reads it.
     */
    public static PackedB pack(boolean transB, int k, int n, MemorySegment b, long bOff, long ldb) {
        if (k <= 0 || n <= 0) throw new IllegalArgumentException("PackedB: empty matrix " + k + " × " + n);
        if (ldb < (transB ? k : n)) throw new IllegalArgumentException("PackedB: leading dimension " + ldb + " too small");
        long rs = transB ? 1 : ldb, cs = transB ? ldb : 1;
        int kBlocks = (k + KC - 1) / KC, nBlocks = (n + NC - 1) / NC;
        float[][] blocks = new float[kBlocks * nBlocks][];
        float[] tmp = new float[GemmConfig.MR * KC + KC];
        for (int jb = 0; jb < nBlocks; jb++) {
            int jc = jb * NC, nc = Math.min(NC, n - jc), panels = (nc + NR - 1) / NR;
            for (int pb = 0; pb < kBlocks; pb++) {
                int pc = pb * KC, kc = Math.min(KC, k - pc);
                float[] block = new float[panels * NR * kc];
                Pack.b(block, 0, b, bOff, rs, cs, pc, kc, jc, nc, tmp);
                blocks[jb * kBlocks + pb] = block;
            }
        }
        return new PackedB(k, n, blocks, kBlocks);
    }

    /** Rows of {@code op(B)}. */
    public int k() {
        return k;
    }

    /** Columns of {@code op(B)}. */
    public int n() {
        return n;
    }
}
