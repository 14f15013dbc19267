package dev.panamax.autodiff;

import dev.panamax.autodiff.functional.F;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/**
 * F32 softmax and log-softmax over the last axis run the fused row kernels; F64 takes the tensor-op path that
 * gradcheck and the PyTorch fixtures cover. Outputs and gradients must agree, on tails, one column, large logits.
 */
class SoftmaxKernelTest {
    @Test
    void fusedF32RowsMatchTensorOpPath() {
        long[][] shapes = {{1, 1}, {3, 7}, {2, 5, 17}, {4, 1001}, {9}};
        for (long[] shape : shapes) {
            for (boolean log : new boolean[] {false, true}) {
                try (MemoryScope s = MemoryScope.open("t")) {
                    Tensor x = Tensor.uniform(new Rng(3), -30, 30, DType.F64, shape);
                    Tensor up = Tensor.uniform(new Rng(4), -1, 1, DType.F64, shape);
                    Var x64 = Var.param(x), x32 = Var.param(x.to(DType.F32));
                    Var y64 = log ? F.logSoftmax(x64, -1) : F.softmax(x64, -1);
                    Var y32 = log ? F.logSoftmax(x32, -1) : F.softmax(x32, -1);
                    String what = java.util.Arrays.toString(shape) + (log ? " log-softmax" : " softmax");
                    assertTrue(y32.value().to(DType.F64).allClose(y64.value(), 1e-4, 1e-6), what + " forward");
                    y64.backward(up);
                    y32.backward(up.to(DType.F32));
                    assertTrue(x32.grad().to(DType.F64).allClose(x64.grad(), 1e-4, 1e-5), what + " gradient");
                }
            }
        }
    }
}
