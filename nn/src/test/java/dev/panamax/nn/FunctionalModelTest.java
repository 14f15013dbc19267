package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.optim.Adam;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionalModelTest {
    @Test
    void aResidualModelTrainsThroughItsSkipConnection() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Dense a = new Dense(8, "relu"), b = new Dense(8, "relu"), out = new Dense(1, "linear");
            FunctionalModel m = new FunctionalModel(3, List.of(a, b, out), (x, ctx) -> {
                Var h = a.apply(x, ctx.training(), ctx.rng());
                return out.apply(F.add(h, b.apply(h, ctx.training(), ctx.rng())), ctx.training(), ctx.rng());
            });
            Tensor x = Tensor.uniform(new Rng(1), -1, 1, DType.F32, 64, 4);
            Tensor y = x.sum(new int[] {1}, true);
            Adam opt = new Adam(0.02);
            double first = 0, last = 0;
            for (int step = 0; step < 150; step++) {
                try (MemoryScope st = MemoryScope.open("step")) {
                    Var loss = F.mse(m.forward(Var.of(x), true), Var.of(y));
                    if (step > 0) m.params().forEach(Var::zeroGrad);
                    loss.backward();
                    opt.step(m.params());
                    if (step == 0) first = loss.value().item();
                    last = loss.value().item();
                }
            }
            assertEquals(6, m.params().size());
            assertTrue(last < first / 10, first + " -> " + last);
        }
    }

    @Test
    void buildTracesTheBodyOnceAndNamesTheLayersAsKerasDoes() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Dense a = new Dense(8, "relu"), b = new Dense(8, "relu"), out = new Dense(3, "softmax");
            FunctionalModel m = new FunctionalModel(3, List.of(a, b, out), (x, ctx) -> {
                Var h = a.apply(x, ctx.training(), ctx.rng());
                return out.apply(F.add(h, b.apply(h, ctx.training(), ctx.rng())), ctx.training(), ctx.rng());
            });
            assertNull(m.inputShape());
            assertTrue(m.params().isEmpty(), "no weights before build");
            m.build(5);
            assertArrayEquals(new long[] {5}, m.inputShape());
            assertArrayEquals(new long[] {3}, m.outputShape());
            assertEquals(List.of("dense", "dense_1", "dense_2"), m.layers().stream().map(Layer::name).toList());
            assertEquals(5 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3, m.paramCount());
            assertEquals(List.of("dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias", "dense_2.kernel", "dense_2.bias"),
                    List.copyOf(m.weights().keySet()));
            Dense unused = new Dense(2, null);
            FunctionalModel forgetful = new FunctionalModel(3, List.of(new Dense(2, null), unused), (x, ctx) -> x);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> forgetful.build(4));
            assertTrue(e.getMessage().contains("never calls"), e.getMessage());
        }
    }
}
