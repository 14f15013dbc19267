package dev.panamax.autodiff;

import dev.panamax.autodiff.functional.F;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/**
 * The fused F32 bias(+ReLU) path against the same op in F64 (which takes the tensor-op path checked by gradcheck
 * and PyTorch fixtures): outputs and both gradients, on shapes with tails, one column and multi-threaded splits.
 */
class BiasActKernelTest {
    @Test
    void fusedF32MatchesTensorOpPath() {
        long[][] shapes = {{1, 1}, {3, 7}, {2, 5, 17}, {8, 13, 13, 32}, {300, 70}};
        for (long[] shape : shapes) {
            for (boolean relu : new boolean[] {true, false}) {
                try (MemoryScope s = MemoryScope.open("t")) {
                    long cols = shape[shape.length - 1];
                    Tensor x = Tensor.uniform(new Rng(1), -1, 1, DType.F64, shape), b = Tensor.uniform(new Rng(2), -1, 1, DType.F64, cols);
                    Tensor up = Tensor.uniform(new Rng(3), -1, 1, DType.F64, shape);
                    Var x64 = Var.param(x), b64 = Var.param(b), x32 = Var.param(x.to(DType.F32)), b32 = Var.param(b.to(DType.F32));
                    Var y64 = relu ? F.biasRelu(x64, b64) : F.biasAdd(x64, b64);
                    Var y32 = relu ? F.biasRelu(x32, b32) : F.biasAdd(x32, b32);
                    String what = java.util.Arrays.toString(shape) + (relu ? " relu" : " linear");
                    assertTrue(y32.value().to(DType.F64).allClose(y64.value(), 1e-6, 1e-6), what + " forward");
                    y64.backward(up);
                    y32.backward(up.to(DType.F32));
                    assertTrue(x32.grad().to(DType.F64).allClose(x64.grad(), 1e-6, 1e-6), what + " input gradient");
                    assertTrue(b32.grad().to(DType.F64).allClose(b64.grad(), 1e-4, 1e-5), what + " bias gradient");
                }
            }
        }
    }

    @Test
    void biasOfTheWrongLengthIsRefusedWithBothShapes() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.of(Tensor.zeros(DType.F32, 2, 3)), b = Var.of(Tensor.zeros(DType.F32, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.biasRelu(x, b));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        }
    }
}
