package dev.panamax.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Dense;
import dev.panamax.nn.FunctionalModel;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model with a skip connection goes through the same Trainer and ModelIo path as a Sequential. */
class FunctionalModelTrainingTest {
    /** Dense → Dense with a residual add → softmax Dense; the same code builds it again for loading. */
    static FunctionalModel residual(long seed) {
        Dense in = new Dense(32, "relu"), block = new Dense(32, "relu"), out = new Dense(3, "softmax");
        return new FunctionalModel(seed, List.of(in, block, out), (x, ctx) -> {
            Var h = in.apply(x, ctx.training(), ctx.rng());
            Var r = F.add(h, block.apply(h, ctx.training(), ctx.rng()));
            return out.apply(r, ctx.training(), ctx.rng());
        });
    }

    @Test
    void aResidualModelFitsEvaluatesPredictsAndReloads(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor[] d = SyntheticData.wedgesAndRing(600, 1);
            FunctionalModel m = residual(7).build(2);
            Trainer trainer = new Trainer(m, new Adam(0.01), Loss.byName("sparse_categorical_crossentropy", false));
            // Untrained, the model is near chance: a loss near ln 3 ≈ 1.10 and an accuracy near 1/3.
            Map<String, Double> start = trainer.evaluate(d[0], d[1], 128);
            assertTrue(start.get("loss") > 0.8 && start.get("accuracy") < 0.6, "untrained " + start);
            History h = trainer.fit(d[0], d[1], FitOptions.builder().epochs(30).batchSize(32).validationSplit(0.2).build());

            List<Double> loss = h.get("loss");
            assertTrue(loss.getLast() < start.get("loss") / 4, "loss " + loss);
            assertTrue(h.get("val_accuracy").getLast() > 0.9, "validation accuracy " + h.get("val_accuracy"));

            Map<String, Double> eval = trainer.evaluate(d[0], d[1], 128);
            assertTrue(eval.get("accuracy") > 0.9 && eval.get("loss") < 0.3, eval.toString());
            Tensor probs = trainer.predict(d[0], 64);
            assertArrayEquals(new long[] {600, 3}, probs.shape());
            assertEquals(eval.get("accuracy"), SyntheticData.accuracy(probs, d[1]), 1e-9, "predict and evaluate see the same model");

            ModelIo.save(m, dir);
            assertFalse(Files.exists(dir.resolve(ModelIo.CONFIG)), "a model in code saves no architecture");
            IOException noConfig = assertThrows(IOException.class, () -> ModelIo.load(dir));
            assertTrue(noConfig.getMessage().contains("loadWeights"), noConfig.getMessage());

            FunctionalModel again = residual(99).build(2);  // same code, other initial weights
            try (Predictor fresh = new Predictor(again)) {
                Tensor before = fresh.predict(d[0], 64);
                assertFalse(Arrays.equals(probs.toFloatArray(), before.toFloatArray()), "a different seed starts elsewhere");
                ModelIo.loadWeights(again, dir);
                Tensor after = fresh.predict(d[0], 64);
                assertArrayEquals(probs.toFloatArray(), after.toFloatArray(), "reloaded weights predict the same");
                before.close();
                after.close();
            }
            probs.close();
            trainer.close();
        }
    }
}
