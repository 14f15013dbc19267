package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.History;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Map;
import java.util.List;
import dev.panamax.autodiff.Var;
import org.junit.jupiter.api.Test;

class SequentialTest {
    static Sequential tutorialModel() {
        return Models.tutorialCnn(42, 10);
    }

    @Test
    void summaryMatchesKerasForTheTutorialModel() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = tutorialModel().build(28, 28, 1);
            String text = m.summary();
            assertEquals(93_322, m.paramCount());
            assertTrue(text.contains("Total params: 93,322"), text);
            assertTrue(text.contains("conv2d_1 (Conv2D)") && text.contains("(None, 11, 11, 64)") && text.contains("18,496"), text);
            assertTrue(text.contains("max_pooling2d_1 (MaxPooling2D)") && text.contains("(None, 5, 5, 64)"), text);
            assertTrue(text.contains("dense_1 (Dense)") && text.contains("(None, 10)") && text.contains("650"), text);
        }
    }

    /**
     * Conv(relu) → max pool runs as conv → pool → bias+ReLU inside Sequential; layer by layer must give the same
     * output and the same gradient for every weight, for valid and same pooling and a bias that makes ties at 0.
     */
    @Test
    void fusedConvPoolOrderMatchesLayerByLayer() {
        for (String padding : new String[] {"valid", "same"}) {
            try (MemoryScope s = MemoryScope.open("t")) {
                Sequential m = new Sequential(5).add(new Conv2D(4, 3, 3, 1, "valid", 1, "relu")).add(new MaxPooling2D(2, 2, padding, false))
                        .add(new Flatten()).add(new Dense(3, "linear")).build(8, 7, 2);
                m.layers().get(0).params().get(1).value().copyFrom(Tensor.of(new float[] {0.3f, -2f, 0f, 0.1f}, 4));  // filter 1: mostly dead
                Tensor x = Tensor.uniform(new Rng(9), -1, 1, DType.F32, 3, 8, 7, 2);
                Tensor up = Tensor.uniform(new Rng(10), -1, 1, DType.F32, 3, 3);
                List<Var> params = m.params();
                Var fused = m.forward(Var.of(x), true);
                fused.backward(up);
                List<Tensor> fusedGrads = params.stream().map(p -> p.grad().copy()).toList();
                params.forEach(Var::zeroGrad);
                Var h = Var.of(x);
                for (Layer l : m.layers()) h = l.forward(h, true, new Rng(0));
                h.backward(up);
                assertTrue(fused.value().allClose(h.value(), 1e-6, 1e-6), padding + " output");
                for (int i = 0; i < params.size(); i++) {
                    assertTrue(fusedGrads.get(i).allClose(params.get(i).grad(), 1e-5, 1e-6), padding + " gradient " + i);
                }
            }
        }
    }

    /** Two Gaussian blobs in 2-D: a small MLP must separate them almost perfectly. */
    @Test
    void learnsASimpleProblem() {
        try (MemoryScope s = MemoryScope.open("t")) {
            int n = 400;
            Rng rng = new Rng(1);
            float[] x = new float[n * 2];
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = i % 2;
                double cx = y[i] == 0 ? -1.5 : 1.5;
                x[2 * i] = (float) (cx + rng.normal(rng.reserve(2) / 2 + 1, false) * 0.7);
                x[2 * i + 1] = (float) (rng.normal(rng.reserve(2) / 2 + 1, true) * 0.7);
            }
            Tensor xs = Tensor.of(x, n, 2), ys = Tensor.of(y, n);
            Sequential m = new Sequential(7).add(new Dense(16, "relu")).add(new Dense(2, "softmax"));
            m.compile(new Adam(1e-2), "sparse_categorical_crossentropy", false);
            History h = m.fit(xs, ys, 15, 32, 0.25, true, null);
            assertEquals(15, h.epochs());
            assertTrue(h.get("loss").get(14) < h.get("loss").get(0), h.metrics().toString());
            assertTrue(h.get("val_accuracy").get(14) > 0.95, h.metrics().toString());
            Map<String, Double> eval = m.evaluate(xs, ys, 64);
            assertTrue(eval.get("accuracy") > 0.95, eval.toString());
            Tensor probs = m.predict(xs, 100);
            assertEquals(2, probs.dim(1));
            probs.close();
        }
    }

    @Test
    void badInputsGiveClearErrors() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = tutorialModel().build(28, 28, 1);
            m.compile(new Adam(1e-3), "sparse_categorical_crossentropy", false);
            Tensor wrong = Tensor.zeros(DType.F32, 4, 28, 28);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.fit(wrong, Tensor.zeros(DType.I64, 4), 1, 2, 0, true, null));
            assertTrue(e.getMessage().contains("28, 28, 1") && e.getMessage().contains("[4, 28, 28]"), e.getMessage());
            Tensor x = Tensor.zeros(DType.F32, 4, 28, 28, 1);
            IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                    () -> m.fit(x, Tensor.of(new long[] {0, 1, 10, 2}, 4), 1, 2, 0, true, null));
            assertTrue(labels.getMessage().contains("[0, 10)"), labels.getMessage());
            Tensor nan = Tensor.full(DType.F32, Float.NaN, 4, 28, 28, 1);
            ArithmeticException stop = assertThrows(ArithmeticException.class,
                    () -> m.fit(nan, Tensor.zeros(DType.I64, 4), 1, 2, 0, true, null));
            assertTrue(stop.getMessage().contains("epoch 1, batch 1"), stop.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new Dense(0, "relu"));
            assertThrows(IllegalArgumentException.class, () -> Activations.byName("swoosh"));
            assertThrows(IllegalArgumentException.class, () -> new Sequential(1).add(new Dense(3, null)).build(4, 4));
        }
    }
}
