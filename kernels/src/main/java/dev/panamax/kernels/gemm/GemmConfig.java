package dev.panamax.kernels.gemm;

import dev.panamax.kernels.Simd;

/**
 * Every tuning constant of the GEMM in one table (BLIS keeps one such table per architecture).
 *
 * <p>The microkernel holds an {@code MR × NR} tile of C in registers: 4 rows of 2 vectors, 8 accumulators,
 * plus 2 vectors of B and one broadcast of A. Measured in L1 on the development machine (AVX2, 16 registers):
 * 4 × 16 reached 70-73 GFLOP/s of a 78 GFLOP/s FMA peak, 6 × 16 only 33 (C2 spills with 15 live vectors).
 * {@code KC} keeps a {@code KC × NR} micro-panel of B (24 KB at 256-bit) in L1; {@code MC × KC} of packed A
 * (180 KB at MC = 120) stays in L2; {@code KC × NC} of packed B (4.5 MB) in L3. Numbers chosen from the {@code GemmBench}
 * figures on the development machine (AMD EPYC, AVX2, 2 cores); change them only with new measurements.
 * {@code -Dpanamax.gemm.kc/mc/nc} override the block sizes and {@code -Dpanamax.gemm.parallelMinMacs} the
 * threshold for splitting across cores, for tuning runs.
 */
public final class GemmConfig {
    /** Rows of the register tile. */
    public static final int MR = 4;
    /** Columns of the register tile: two vectors of the preferred float species. */
    public static final int NR = 2 * Math.max(4, Simd.floatLanes());
    /** Depth of one packed block (the k loop inside the microkernel). */
    public static final int KC = Integer.getInteger("panamax.gemm.kc", 384);
    /** Rows of A packed per block; a multiple of {@link #MR}. */
    public static final int MC = roundDown(Integer.getInteger("panamax.gemm.mc", 120), MR);
    /** Columns of B packed per block; a multiple of {@link #NR}. */
    public static final int NC = roundDown(Integer.getInteger("panamax.gemm.nc", 3072), NR);
    /**
     * Below this many multiply-adds (m·n·k) a GEMM runs on the calling thread. Measured with
     * {@code panamax bench gemm}: two threads lost to one at n = 64 (8 vs 24 GFLOP/s) and n = 128 (30 vs 47) and
     * won from n = 256 (95 vs 60).
     */
    public static final long PARALLEL_MIN_MACS = Long.getLong("panamax.gemm.parallelMinMacs", 1L << 23);
    /**
     * Where OpenBLAS takes over when it is available and {@code -Dpanamax.gemm=auto}. Measured with
     * {@code panamax bench gemm} (OpenBLAS 0.3.21, Zen kernel): OpenBLAS led at every size from n = 16 to 2048
     * except a tie at n = 128, so it takes everything but the tiniest products, where a ~15 ns FFM call
     * (FfmCallBench) is not worth it next to the Java kernel.
     */
    public static final long OPENBLAS_MIN_MACS = 1L << 12;

    /**
     * Products with fewer rows than this stay in Java whatever their size: a few rows times a large weight matrix
     * (one sentence through a transformer) is bound by reading the weights once, which the Java kernel does in
     * place, while OpenBLAS first packs them. Measured on all-MiniLM-L6-v2 at one 16-token sentence (36 products
     * of 16 × 384 by 384 × 384 or 384 × 1536 each): 6.4 ms per sentence with the Java GEMM against 8.2 ms with
     * OpenBLAS's Cooperlake kernel and 8.7 ms with its Haswell one (2 threads, AVX-512 EPYC).
     */
    public static final int OPENBLAS_MIN_ROWS = 32;

    /**
     * Whether the shape-specific kernel ({@link RowGemm}) takes the products it suits;
     * {@code -Dpanamax.gemm.shapeKernels=false} sends everything to the packed GEMM or OpenBLAS (for A/B runs).
     */
    public static final boolean SHAPE_KERNELS = Boolean.parseBoolean(System.getProperty("panamax.gemm.shapeKernels", "true"));

    private GemmConfig() {}

    private static int roundDown(int v, int multiple) {
        return Math.max(multiple, v / multiple * multiple);
    }
}
