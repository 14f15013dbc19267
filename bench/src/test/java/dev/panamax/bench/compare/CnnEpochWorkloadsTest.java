package dev.panamax.bench.compare;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.data.Mnist;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold and warm epoch rows on the first 320 training images: the warm row's timed epoch continues from its untimed
 * one on both sides, so its mean loss is below the cold row's, and worker.py reports the same loss.
 */
class CnnEpochWorkloadsTest {
    static final int EXAMPLES = 320;

    @TempDir
    static Path inputs;

    @BeforeAll
    static void writeInputs() throws Exception {
        CompareInputs.write(inputs, Mnist.locate(null));
    }

    @Test
    void warmEpochContinuesFromItsUntimedEpochOnBothSides() throws Exception {
        Workload warm = Workload.named("cnn-epoch-warm");
        Map<String, Double> cold = PanamaxWorker.run("cnn-epoch", inputs, 0, EXAMPLES);
        Map<String, Double> pan = PanamaxWorker.run(warm.name(), inputs, warm.warmup(true), EXAMPLES);
        assertTrue(pan.get("value") > 0 && cold.get("value") > 0, pan + " " + cold);
        // Measured: a mean loss of 2.21 on the first pass over these images, 1.74 on the second (Adam, lr 1e-3, ten steps each).
        assertTrue(pan.get("check") < cold.get("check") - 0.3, "second epoch's mean loss " + pan + " against the first's " + cold);
        assumeTrue(TorchWorker.available(), "no PyTorch at " + TorchWorker.PYTHON);
        double torchCold = ((Number) TorchWorker.run(inputs, "cnn-epoch", 0, EXAMPLES).get("check")).doubleValue();
        double torchWarm = ((Number) TorchWorker.run(inputs, warm.name(), warm.warmup(true), EXAMPLES).get("check")).doubleValue();
        assertTrue(Workload.named("cnn-epoch").agrees(cold.get("check"), torchCold), cold + " vs PyTorch " + torchCold);
        assertTrue(warm.agrees(pan.get("check"), torchWarm), pan + " vs PyTorch " + torchWarm);
    }
}
