package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.F;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.optim.Adam;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.List;
import java.util.Map;
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
    void trainOnBatchAndModes() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(4).add(new Dropout(0.5)).add(new Dense(2, "softmax")).build(6);
            m.compile(new Adam(0.01), "sparse_categorical_crossentropy", false);
            Tensor x = Tensor.rand(new Rng(2), DType.F32, 10, 6);
            Map<String, Double> r = m.trainOnBatch(x, Tensor.zeros(DType.I64, 10));
            assertTrue(r.get("loss") > 0);
            m.eval();
            float[] e1 = m.forward(Var.of(x)).value().toFloatArray(), e2 = m.forward(Var.of(x)).value().toFloatArray();
            assertArrayEquals(e1, e2, "inference is deterministic: dropout is off");
            m.train();
            assertNotEquals(java.util.Arrays.toString(m.forward(Var.of(x)).value().toFloatArray()), java.util.Arrays.toString(e1),
                    "training mode applies dropout");
        }
    }
}
