package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.backend.CpuBackend;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/** Backend discovery, and the CPU backend (OpenBLAS routing) against the pure-Java host defaults. */
class BackendTest {
    @Test
    void tensorsOnTheCpuRunOnTheServiceLoadedCpuBackend() {
        try (MemoryScope s = MemoryScope.open("backend"); Tensor t = Tensor.zeros(DType.F32, 2, 3)) {
            assertEquals(Device.CPU, t.device());
            Backend b = Backend.of(t);
            assertTrue(b instanceof CpuBackend, "CPU backend from META-INF/services, got " + b.getClass());
            assertSame(b, Backend.forDevice(Device.CPU));
            assertEquals(Device.CPU, b.device());
        }
    }

    @Test
    void cpuBackendAgreesWithThePureJavaDefaultsOnAConvolutionLargeEnoughForOpenBlas() {
        Backend cpu = Backend.forDevice(Device.CPU), java = new BackendRegistry.PureJava();
        try (MemoryScope s = MemoryScope.open("conv")) {
            Rng rng = new Rng(3);
            Tensor x = Tensor.uniform(rng, -1, 1, DType.F32, 4, 16, 16, 32), k = Tensor.uniform(rng, -1, 1, DType.F32, 3, 3, 32, 64);
            Tensor bias = Tensor.uniform(rng, -1, 1, DType.F32, 64);
            Conv2dShape g = Conv2dShape.of(4, 16, 16, 32, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.SAME);
            Tensor a = cpu.conv2d(g, x, k, bias, true, null)[0], b = java.conv2d(g, x, k, bias, true, null)[0];
            assertTrue(a.allClose(b, 1e-4, 1e-4), "conv2d: CPU backend and pure-Java defaults differ");
            Tensor ga = cpu.conv2dBackward(g, a, x, k, a, null, true, true, null, true, true, true)[1];
            Tensor gb = java.conv2dBackward(g, b, x, k, b, null, true, true, null, true, true, true)[1];
            assertTrue(ga.allClose(gb, 1e-3, 1e-3), "conv2d kernel gradient: CPU backend and pure-Java defaults differ");
        }
    }
}
