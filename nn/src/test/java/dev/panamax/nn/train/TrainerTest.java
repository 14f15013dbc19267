package dev.panamax.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Dropout;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.optim.Sgd;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static final Loss CROSS_ENTROPY = Loss.byName("sparse_categorical_crossentropy", false);

    /** Two Gaussian blobs in 2-D: a small MLP must separate them almost perfectly. */
    @Test
    void aSequentialLearnsASimpleProblem() {
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
            Trainer trainer = new Trainer(m, new Adam(1e-2), CROSS_ENTROPY);
            History h = trainer.fit(xs, ys, FitOptions.builder().epochs(15).batchSize(32).validationSplit(0.25).build());
            assertEquals(15, h.epochs());
            assertTrue(h.get("loss").get(14) < h.get("loss").get(0), h.metrics().toString());
            assertTrue(h.get("val_accuracy").get(14) > 0.95, h.metrics().toString());
            Map<String, Double> eval = trainer.evaluate(xs, ys, 64);
            assertTrue(eval.get("accuracy") > 0.95, eval.toString());
            Tensor probs = trainer.predict(xs, 100);
            assertEquals(2, probs.dim(1));
            probs.close();
        }
    }

    /**
     * 8-bit pixels stay bytes through fit, evaluate and predict, scaled a batch at a time by the model's
     * preprocessing: the same training, to float rounding, as the same pixels given as floats already divided by 255.
     */
    @Test
    void pixelsHeldAsBytesTrainAsTheScaledFloatsDo() {
        try (MemoryScope s = MemoryScope.open("t")) {
            int n = 96;
            Rng rng = new Rng(3);
            byte[] px = new byte[n * 36];
            float[] scaled = new float[px.length];
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = i % 3;
                for (int p = 0; p < 36; p++) {
                    int v = Math.min(255, rng.nextInt(120) + (p % 3 == y[i] ? 120 : 0));
                    px[i * 36 + p] = (byte) v;
                    scaled[i * 36 + p] = v / 255f;
                }
            }
            Tensor bytes = Tensor.empty(DType.U8, n, 6, 6, 1), floats = Tensor.of(scaled, n, 6, 6, 1), labels = Tensor.of(y, n);
            bytes.segment().asByteBuffer().put(0, px);
            History[] h = new History[2];
            Map<String, Double>[] eval = new Map[2];
            float[][] probs = new float[2][];
            for (int k = 0; k < 2; k++) {
                Sequential m = new Sequential(11).preprocessing(dev.panamax.nn.Preprocessing.pixels())
                        .add(new dev.panamax.nn.Flatten()).add(new Dense(8, "relu")).add(new Dense(3, "softmax"));
                Trainer t = new Trainer(m, new Adam(1e-2), CROSS_ENTROPY);
                Tensor x = k == 0 ? bytes : floats;
                h[k] = t.fit(x, labels, FitOptions.builder().epochs(3).batchSize(16).validationData(x, labels).build());
                eval[k] = t.evaluate(x, labels, 40);
                try (Tensor p = t.predict(x, 40)) {
                    probs[k] = p.toFloatArray();
                }
            }
            for (String metric : List.of("loss", "accuracy", "val_loss", "val_accuracy")) {
                for (int e = 0; e < 3; e++) assertEquals(h[1].get(metric).get(e), h[0].get(metric).get(e), 1e-5, metric + ", epoch " + e);
            }
            assertTrue(h[0].get("accuracy").get(2) > 0.8, "it learns from bytes: " + h[0].metrics());
            assertEquals(eval[1].get("loss"), eval[0].get("loss"), 1e-5);
            assertArrayEquals(probs[1], probs[0], 1e-5f);
        }
    }

    /** trainOnBatch and a one-batch epoch of fit run the same step: the same weights come out. */
    @Test
    void trainOnBatchAndFitShareOneStep() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor[] d = SyntheticData.wedgesAndRing(48, 2);
            Sequential a = new Sequential(4).add(new Dense(8, "relu")).add(new Dense(3, "softmax")).build(2);
            Sequential b = new Sequential(4).add(new Dense(8, "relu")).add(new Dense(3, "softmax")).build(2);
            Map<String, Double> r = new Trainer(a, new Sgd(0.1), CROSS_ENTROPY).trainOnBatch(d[0], d[1]);
            History h = new Trainer(b, new Sgd(0.1), CROSS_ENTROPY).fit(d[0], d[1], FitOptions.builder().batchSize(48).shuffle(false).build());
            assertEquals(h.get("loss").getFirst(), r.get("loss"), 1e-7);
            assertEquals(h.get("accuracy").getFirst(), r.get("accuracy"), 1e-12);
            for (int i = 0; i < a.params().size(); i++) {
                assertArrayEquals(b.params().get(i).value().toFloatArray(), a.params().get(i).value().toFloatArray(), "parameter " + i);
            }
        }
    }

    @Test
    void modesAreExplicitDropoutOnlyWhileTraining() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(4).add(new Dropout(0.5)).add(new Dense(2, "softmax")).build(6);
            Tensor x = Tensor.rand(new Rng(2), DType.F32, 10, 6);
            Map<String, Double> r = new Trainer(m, new Adam(0.01), CROSS_ENTROPY).trainOnBatch(x, Tensor.zeros(DType.I64, 10));
            assertTrue(r.get("loss") > 0);
            float[] e1 = m.forward(Var.of(x), false).value().toFloatArray(), e2 = m.forward(Var.of(x), false).value().toFloatArray();
            assertArrayEquals(e1, e2, "inference is deterministic: dropout is off");
            assertNotEquals(java.util.Arrays.toString(m.forward(Var.of(x), true).value().toFloatArray()), java.util.Arrays.toString(e1),
                    "training mode applies dropout");
        }
    }

    /** After the first step has sized the step arena, a fit step calls no allocator (dropout, Adam and metrics included). */
    @Test
    void aSteadyStateFitStepCallsNoAllocator() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor[] d = SyntheticData.wedgesAndRing(256, 4);
            Sequential m = new Sequential(3).add(new Dense(16, "relu")).add(new Dropout(0.2)).add(new Dense(3, "softmax"));
            List<Long> counts = new ArrayList<>();
            TrainingListener probe = new TrainingListener() {
                @Override
                public void onBatchEnd(int step, int samples, Map<String, Double> logs) {
                    counts.add(Memory.allocationCount());
                }
            };
            new Trainer(m, new Adam(0.01), CROSS_ENTROPY).fit(d[0], d[1], FitOptions.builder().epochs(2).batchSize(32).callbacks(probe).build());
            assertEquals(16, counts.size());
            assertEquals(counts.get(1), counts.getLast(), "allocator calls after the first step: " + counts);
        }
    }

    @Test
    void badInputsAndOptionsGiveClearErrors() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = Models.tutorialCnn(42, 10).build(28, 28, 1);
            Trainer trainer = new Trainer(m, new Adam(1e-3), CROSS_ENTROPY);
            FitOptions once = FitOptions.builder().batchSize(2).build();
            Tensor wrong = Tensor.zeros(DType.F32, 4, 28, 28);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.fit(wrong, Tensor.zeros(DType.I64, 4), once));
            assertTrue(e.getMessage().contains("28, 28, 1") && e.getMessage().contains("[4, 28, 28]"), e.getMessage());
            Tensor x = Tensor.zeros(DType.F32, 4, 28, 28, 1);
            IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                    () -> trainer.fit(x, Tensor.of(new long[] {0, 1, 10, 2}, 4), once));
            assertTrue(labels.getMessage().contains("[0, 10)"), labels.getMessage());
            Tensor nan = Tensor.full(DType.F32, Float.NaN, 4, 28, 28, 1);
            ArithmeticException stop = assertThrows(ArithmeticException.class, () -> trainer.fit(nan, Tensor.zeros(DType.I64, 4), once));
            assertTrue(stop.getMessage().contains("epoch 1, batch 1"), stop.getMessage());
            ArithmeticException step = assertThrows(ArithmeticException.class, () -> trainer.trainOnBatch(nan, Tensor.zeros(DType.I64, 4)));
            assertTrue(step.getMessage().contains("NaN"), step.getMessage());
            IllegalStateException unbuilt = assertThrows(IllegalStateException.class,
                    () -> new Predictor(new Sequential(1).add(new Dense(2, null))).predict(Tensor.zeros(DType.F32, 1, 3), 1));
            assertTrue(unbuilt.getMessage().contains("build"), unbuilt.getMessage());
            assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().epochs(0).build());
            assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().validationSplit(1).build());
            assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().validationData(x, null).build());
        }
    }
}
