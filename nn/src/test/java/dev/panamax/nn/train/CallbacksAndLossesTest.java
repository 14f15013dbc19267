package dev.panamax.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.nn.Dense;
import dev.panamax.nn.Regularizer;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.optim.Sgd;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksAndLossesTest {
    static Tensor[] regression(int n) {
        Tensor x = Tensor.uniform(new Rng(1), -1, 1, DType.F32, n, 3);
        Tensor w = Tensor.of(new float[] {1.5f, -2, 0.5f}, 3, 1);
        return new Tensor[] {x, x.matmul(w).add(0.3)};
    }

    @Test
    void regressionLossesTrainAndCallbacksStopSaveAndLog(@TempDir Path dir) throws Exception {
        for (String loss : new String[] {"mse", "mae", "huber"}) {
            try (MemoryScope s = MemoryScope.open("t")) {
                Tensor[] d = regression(256);
                Sequential m = new Sequential(3).add(new Dense(1, "linear")).build(3);
                Trainer trainer = new Trainer(m, new Adam(0.05), Loss.byName(loss, false));
                Callbacks.EarlyStopping early = new Callbacks.EarlyStopping("val_loss", 3, true);
                History h = trainer.fit(d[0], d[1], FitOptions.builder().epochs(200).batchSize(32).validationSplit(0.25).callbacks(early,
                        new Callbacks.ModelCheckpoint(dir.resolve(loss), "val_loss", true),
                        new Callbacks.CsvLogger(dir.resolve(loss + ".csv")),
                        new Callbacks.ReduceLROnPlateau("val_loss", 0.5, 2, 1e-4)).build());
                double last = h.get("val_loss").get(h.epochs() - 1);
                assertTrue(h.get("val_loss").get(0) > last, loss + ": " + h.get("val_loss"));
                assertTrue(early.stoppedEpoch() > 0 && early.stoppedEpoch() < 199, loss + " stopped at " + early.stoppedEpoch());
                assertTrue(Files.readAllLines(dir.resolve(loss + ".csv")).size() == h.epochs() + 1);
                assertTrue(Files.exists(dir.resolve(loss).resolve(ModelIo.WEIGHTS)));
                double best = h.get("val_loss").stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                double restored = trainer.evaluate(d[0].slice(0, 192, 256), d[1].slice(0, 192, 256), 64).get("loss");
                assertEquals(best, restored, 1e-4, loss + ": restore_best_weights");
            }
        }
    }

    @Test
    void categoricalAndBinaryLossesRegularizersAndMetrics() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.uniform(new Rng(2), -1, 1, DType.F32, 200, 2);
            Tensor label = x.select(1, 0).gt(0).to(DType.I64);
            Tensor onehot = label.oneHot(2);
            Sequential cat = new Sequential(1).add(new Dense(8, "relu").kernelRegularizer(Regularizer.l2(1e-3))).add(new Dense(2, "softmax")).build(2);
            Trainer catTrainer = new Trainer(cat, new Adam(0.05), Loss.byName("categorical_crossentropy", false));
            assertTrue(catTrainer.fit(x, onehot, FitOptions.builder().epochs(30).batchSize(20).build()).get("accuracy").get(29) > 0.95);
            Sequential bin = new Sequential(1).add(new Dense(1, "linear")).build(2);
            Trainer binTrainer = new Trainer(bin, new Sgd(0.5), Loss.byName("binary_crossentropy", true));
            Tensor y = label.to(DType.F32).reshape(200, 1);
            assertTrue(binTrainer.fit(x, y, FitOptions.builder().epochs(30).batchSize(20).build()).get("accuracy").get(29) > 0.95);
            Tensor p = Tensor.of(new float[] {0.1f, 0.6f, 0.3f, 0.8f, 0.15f, 0.05f, 0.3f, 0.3f, 0.4f}, 3, 3);
            Tensor t = Tensor.of(new long[] {2, 0, 1}, 3);
            assertEquals(1, Metrics.correct(p, t));       // row 1 (0.8 for class 0) only
            assertEquals(3, Metrics.topK(p, t, 2));
            long[][] cm = Metrics.confusionMatrix(p, t, 3);
            assertArrayEquals(new long[] {1, 0, 0}, cm[0]);
            assertEquals(1.0, Metrics.precision(cm, 0), 0);
            assertEquals(0.0, Metrics.recall(cm, 2), 0);
        }
    }
}
