package dev.panamax.onnx;

import dev.panamax.tensors.Backend;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

class ScratchAttention {
    @Test
    void speed() {
        try (MemoryScope s = MemoryScope.open("x")) {
            Rng rng = new Rng(1);
            Tensor q4 = Tensor.randn(rng, DType.F32, 32, 128, 12, 32), k4 = Tensor.randn(rng, DType.F32, 32, 128, 12, 32), v4 = Tensor.randn(rng, DType.F32, 32, 128, 12, 32);
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                Tensor q = q4.permute(0, 2, 1, 3).contiguous(), k = k4.permute(0, 2, 1, 3).contiguous(), v = v4.permute(0, 2, 1, 3).contiguous();
                long t1 = System.nanoTime();
                Tensor[] r = Backend.of(q).attention(q, k, v, false, null, 0.17);
                long t2 = System.nanoTime();
                Tensor o = r[0].permute(0, 2, 1, 3).contiguous();
                long t3 = System.nanoTime();
                System.out.printf("copies in %.1f ms, kernel %.1f ms, copy out %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
                q.close(); k.close(); v.close(); r[0].close(); r[1].close(); o.close();
            }
        }
    }
}
