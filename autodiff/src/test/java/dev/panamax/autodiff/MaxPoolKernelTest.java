package dev.panamax.autodiff;

import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertTrue;


/** The F32 max-pooling kernel op against the composite reference, forward and backward, valid and same. */
class MaxPoolKernelTest {
    @Test
    void kernelOpMatchesTheComposite() {
        for (Padding padding : Padding.values()) {
            try (MemoryScope s = MemoryScope.open("t")) {
                Tensor x = Tensor.uniform(new Rng(4), -1, 1, DType.F32, 2, 7, 6, 5);
                Tensor up = Tensor.uniform(new Rng(5), -1, 1, DType.F32, 2, padding == Padding.SAME ? 4 : 3, 3, 5);
                Var a = Var.param(x.copy()), b = Var.param(x.copy());
                Var ya = F.maxPool2d(a, new int[] {3, 2}, new int[] {2, 2}, padding);
                Var yb = F.maxPool2dComposite(b, new int[] {3, 2}, new int[] {2, 2}, padding);
                assertTrue(ya.value().allClose(yb.value(), 0, 0), padding + " forward");
                ya.backward(up);
                yb.backward(up);
                assertTrue(a.grad().allClose(b.grad(), 1e-6, 1e-6), padding + " backward");
            }
        }
    }
}
