package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The device API PyTorch users expect, with the CPU as the only working device. */
class DeviceTest {
    @Test
    void theCpuIsADeviceTensorsLiveOnAndMoveToForFree() {
        try (Tensor t = Tensor.ones(DType.F32, 2, 2)) {
            assertEquals(Device.CPU, t.device());
            assertSame(t, t.to(Device.CPU));
            assertSame(Device.CPU, Device.of("cpu"));
            assertSame(Device.CPU, Device.of(" CPU "));
            assertEquals("cpu", Device.CPU.type());
        }
    }

    @Test
    void cudaFailsInOneLineSayingThereIsNone() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Device.cuda(0));
        assertEquals("Device.cuda(0): no CUDA device/library: this Panamax build has only the CPU backend; use Device.CPU", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Device.of("cuda:1"));
        assertEquals("Device.cuda(1): no CUDA device/library: this Panamax build has only the CPU backend; use Device.CPU", e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Device.of("tpu"));
        assertEquals("unknown device 'tpu'; expected cpu, cuda or cuda:N", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Device.cuda(-1));
    }
}
