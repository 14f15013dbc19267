package dev.panamax.tensors.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.openblas.Cblas;
import dev.panamax.kernels.gemm.Gemm;
import dev.panamax.kernels.gemm.GemmConfig;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

class CpuBackendTest {
    @Test
    void openBlasAndJavaAgreeOnLargeTransposedProducts() {
        int m = 150, n = 170, k = 190;
        assertTrue((long) m * n * k >= GemmConfig.OPENBLAS_MIN_MACS, "the product must be large enough for OpenBLAS");
        try (MemoryScope s = MemoryScope.open("t")) {
            Rng rng = new Rng(5);
            Tensor a = Tensor.randn(rng, DType.F32, k, m).t();   // transposed view: read as op(A) = Aᵀ, no copy
            Tensor b = Tensor.randn(rng, DType.F32, k, n);
            Tensor viaBackend = a.matmul(b);
            Tensor viaJava = Tensor.zeros(DType.F32, m, n);
            Tensor ac = a.contiguous();
            Gemm.sgemm(false, false, m, n, k, 1f, ac.segment(), ac.offset(), k, b.segment(), b.offset(), n, 0f,
                    viaJava.segment(), 0, n);
            assertTrue(viaBackend.allClose(viaJava, 1e-4, 1e-4), "backend " + (Cblas.isAvailable() ? "(OpenBLAS)" : "(Java)")
                    + " differs from the Java GEMM");
            Tensor d = Tensor.randn(rng, DType.F64, m, k).matmul(Tensor.randn(rng, DType.F64, n, k).t());
            assertTrue(d.numel() == (long) m * n);
        }
    }
}
