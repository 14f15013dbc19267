package dev.panamax.tensors.backend;

import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Device;
import java.lang.foreign.MemorySegment;

/**
 * The CPU backend: the host-memory kernels of {@link Backend}'s defaults, with matrix products routed by
 * {@link CpuGemm} (Panamax's Vector API GEMM, or OpenBLAS through FFM where that is faster). Registered for
 * {@link java.util.ServiceLoader} as the provider for {@link Device#CPU}.
 */
public final class CpuBackend implements Backend {
    /** For {@link java.util.ServiceLoader}; the instance in use is {@code Backend.forDevice(Device.CPU)}. */
    public CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** One line for {@code panamax doctor}: how matrix products are served. */
    public static String describe() {
        return CpuGemm.describe();
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff, long lda,
                      MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc) {
        CpuGemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff, long lda,
                      MemorySegment b, long bOff, long ldb, double beta, MemorySegment c, long cOff, long ldc) {
        CpuGemm.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long[] aOffs,
                             long lda, MemorySegment b, long[] bOffs, long ldb, float beta, MemorySegment c, long[] cOffs, long ldc) {
        CpuGemm.sgemmBatched(transA, transB, m, n, k, alpha, a, aOffs, lda, b, bOffs, ldb, beta, c, cOffs, ldc);
    }
}
