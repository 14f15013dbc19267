package dev.panamax.apps.resnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.apps.resnet.ResnetExample.Options;
import dev.panamax.apps.resnet.ResnetExample.Result;
import dev.panamax.apps.resnet.ResnetExample.Run;
import dev.panamax.data.Dataset;
import dev.panamax.data.FashionMnist;
import dev.panamax.nn.FunctionalModel;
import dev.panamax.nn.Model;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.Trainer;
import dev.panamax.nn.train.TrainingListener;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ResNet example on a slice of the real Fashion-MNIST (fetched from Debian's package into the cache and checked by
 * SHA-256): both models learn in a few steps, a trained residual model reloads with identical predictions, and the
 * residual wiring is what it claims to be.
 */
class ResnetExampleTest {
    /** A narrow ResNet, so that a few hundred steps take seconds. */
    static Options small(int epochs, int train, int test) {
        return new Options(8, new int[] {8, 16}, 1, epochs, 32, 3e-3, 1, 0.5, train, test, 7);
    }

    static Dataset slice(boolean train, int n) throws IOException {
        return FashionMnist.read(FashionMnist.locate(null), train, n);
    }

    @Test
    void bothModelsLearnOnASliceAndTheConfusionMatrixAddsUp() throws IOException {
        Options o = small(3, 3000, 1000);
        try (MemoryScope s = MemoryScope.open("t"); Dataset train = slice(true, o.trainLimit()); Dataset test = slice(false, o.testLimit())) {
            Result r = ResnetExample.run(train, test, o, new TrainingListener() {}, line -> {});
            assertEquals(3000, r.trainExamples());
            assertEquals(1000, r.testExamples());
            for (Run run : List.of(r.resnet(), r.plainCnn())) {
                List<Double> loss = run.history().get("loss");
                assertEquals(3, loss.size());
                assertTrue(loss.get(2) < 0.8 * loss.get(0), run.model() + ": training loss did not fall: " + loss);
                // Ten classes: chance is 10 %. Three short epochs of either model reach well over 60 % (measured ~70-80 %).
                assertTrue(run.testAccuracy() > 0.6, run.model() + ": test accuracy " + run.testAccuracy());
                assertEquals(run.testAccuracy(), ResnetExample.accuracy(run.confusion()), 1e-9, run.model());
                assertEquals(1000, Arrays.stream(run.confusion()).flatMapToLong(Arrays::stream).sum());
            }
            assertEquals(r.resnet().history().get("val_accuracy").getLast(), r.resnet().testAccuracy(), 1e-6);
        }
    }

    @Test
    void aTrainedResnetReloadsWithIdenticalPredictions(@TempDir Path dir) throws IOException {
        Options o = small(1, 640, 200);
        try (MemoryScope s = MemoryScope.open("t"); Dataset train = slice(true, o.trainLimit()); Dataset test = slice(false, o.testLimit())) {
            Model model = ResnetExample.resnet(o).build(28, 28, 1);
            float[] before;
            try (Trainer t = new Trainer(model, new Adam(3e-3), Loss.byName("sparse_categorical_crossentropy", false))) {
                t.fit(train.images(), train.labels(), FitOptions.builder().epochs(1).batchSize(32).build());
                try (Tensor p = t.predict(test.images(), 64)) {
                    before = p.toFloatArray();
                }
            }
            ModelIo.save(model, dir);
            // The batch norms' running statistics moved in training: inference depends on them, so they must travel too.
            assertTrue(model.weights().keySet().stream().anyMatch(k -> k.contains("moving_mean")), model.weights().keySet().toString());
            model.close();
            Model again = ResNet.of(99, o.stem(), o.widths(), o.blocksPerStage(), FashionMnist.CLASSES).build(28, 28, 1);  // another seed: other weights until loaded
            ModelIo.loadWeights(again, dir);
            try (Trainer t = new Trainer(again, new Adam(1e-3), Loss.byName("sparse_categorical_crossentropy", false)); Tensor p = t.predict(test.images(), 64)) {
                assertArrayEquals(before, p.toFloatArray(), 0f);
            }
            again.close();
        }
    }

    @Test
    void stagesHalveTheResolutionAndProjectOnlyWhereShapesChange() {
        FunctionalModel m = ResNet.of(1, 8, new int[] {8, 16}, 2, 10).build(28, 28, 1);
        // Stem conv 3·3·1·8+8 and BN 2·8. Stage 1: the first block halves (stride 2, 1×1 projection: 8·8+8 and BN 16),
        // the second keeps the shape (identity shortcut): two convs 3·3·8·8+8 and two BNs each. Stage 2 the same at 16 filters
        // from 8 inputs. Then Dense 16·10+10.
        long stem = 9 * 8 + 8 + 16;
        long conv8 = 9 * 8 * 8 + 8 + 16, conv8to16 = 9 * 8 * 16 + 16 + 32, conv16 = 9 * 16 * 16 + 16 + 32;
        long stage1 = 4 * conv8 + (8 * 8 + 8 + 16), stage2 = conv8to16 + 3 * conv16 + (8 * 16 + 16 + 32);
        assertEquals(stem + stage1 + stage2 + 16 * 10 + 10, m.paramCount());
        assertArrayEquals(new long[] {10}, m.outputShape());
        long convs = m.layers().stream().filter(l -> l.type().equals("Conv2D")).count();
        assertEquals(1 + 2 * 4 + 2, convs);  // the stem, two per block, one projection per stage
        m.close();
    }

    @Test
    void aShapelessResnetIsRefusedInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResNet.of(1, 8, new int[0], 1, 10));
        assertTrue(e.getMessage().startsWith("ResNet: stem and stage widths must be positive"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
