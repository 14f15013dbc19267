package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gradient-ready hook runs once per backward, after a parameter's last contribution, in completion order. */
class GradReadyHookTest {
    @Test
    void firesOnceWithTheWholeGradientInCompletionOrder() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var w1 = Var.param(Tensor.of(new float[] {1, 2}, 2)), w2 = Var.param(Tensor.of(new float[] {3}, 1));
            Var unused = Var.param(Tensor.of(new float[] {5}, 1));
            List<String> seen = new ArrayList<>();
            Runnable off1 = w1.registerGradReadyHook(v -> seen.add("w1 " + v.grad().toFloatArray()[0] + "," + v.grad().toFloatArray()[1]));
            Runnable off2 = w2.registerGradReadyHook(v -> seen.add("w2 " + v.grad().toFloatArray()[0]));
            unused.registerGradReadyHook(v -> seen.add("unused"));
            // w1 is used twice, once early and once late; w2 only in the middle: w2's gradient is done before w1's.
            Var h = F.mul(w1, w1);                          // w1²
            Var y = F.sum(F.add(F.mul(h, w2), w1));         // Σ w2·w1² + w1: dy/dw1 = 2·w2·w1 + 1, dy/dw2 = Σ w1²
            y.backward();
            assertEquals(List.of("w2 5.0", "w1 7.0,13.0"), seen);
            off1.run();
            off2.run();
            seen.clear();
            y = F.sum(F.mul(w1, w2));
            y.backward();
            assertEquals(List.of(), seen);
            assertArrayEquals(new float[] {10, 16}, w1.grad().toFloatArray());  // 7 + 3, 13 + 3: still accumulated
        }
    }

    @Test
    void onlyParametersHaveOne() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var w = Var.param(Tensor.of(new float[] {1}, 1));
            assertThrows(IllegalStateException.class, () -> F.mul(w, w).registerGradReadyHook(v -> {}));
            assertThrows(IllegalStateException.class, () -> Var.of(Tensor.of(new float[] {1}, 1)).registerGradReadyHook(v -> {}));
        }
    }
}
