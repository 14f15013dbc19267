package dev.panamax.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPT rows on a couple of steps: Panamax's worker trains and generates from the exported inputs, and, where
 * {@code /usr/bin/python3} has PyTorch, worker.py computes the same last loss and the same token ids.
 */
class GptWorkloadsTest {
    @TempDir
    static Path inputs;

    @BeforeAll
    static void writeInputs() throws Exception {
        CompareInputs.write(inputs, null);
        CompareInputs.writeTrainedGpt(inputs, 2);
    }

    static Map<String, Object> python(String workload, int warmup, int steps) throws Exception {
        return TorchWorker.run(inputs, workload, warmup, steps);
    }

    @Test
    void trainingStepsReportTokensPerSecondAndALossBothSidesAgreeOn() throws Exception {
        Map<String, Double> pan = PanamaxWorker.run("gpt-train", inputs, 1, 2);
        assertTrue(pan.get("value") > 0, pan.toString());
        assertTrue(Math.abs(pan.get("check") - Math.log(65)) < 1.5, "a loss near ln 65 after 3 steps: " + pan);
        assumeTrue(TorchWorker.available(), "no PyTorch at " + TorchWorker.PYTHON);
        Map<String, Object> torch = python("gpt-train", 1, 2);
        assertTrue(Workload.named("gpt-train").agrees(pan.get("check"), ((Number) torch.get("check")).doubleValue()), pan + " vs " + torch);
    }

    @Test
    void validationLossRowTrainsTheDefaultRunOnBothSides() throws Exception {
        StringBuilder text = new StringBuilder();
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        String[] words = {"the", "model", "reads", "a", "text", "and", "learns", "which", "letter", "comes", "next", "."};
        while (text.length() < 40_000) text.append(words[random.nextInt(words.length)]).append(' ');
        Files.writeString(inputs.resolve(CompareInputs.GPT_CORPUS), text);
        double uniform = Math.log(text.chars().distinct().count());
        Map<String, Double> pan = PanamaxWorker.run("gpt-val-loss", inputs, 0, 30);
        assertTrue(pan.get("value") < uniform - 0.3 && pan.get("value") > 0.5 && pan.get("value").equals(pan.get("check")),
                "30 steps take the validation loss below ln V = " + uniform + ": " + pan);
        assumeTrue(TorchWorker.available(), "no PyTorch at " + TorchWorker.PYTHON);
        double torch = ((Number) python("gpt-val-loss", 0, 30).get("value")).doubleValue();
        assertTrue(torch < uniform - 0.3 && torch > 0.5, "PyTorch's validation loss after 30 steps: " + torch);
    }

    @Test
    void greedyGenerationReportsTokensPerSecondFirstTokenAndTheSameIds() throws Exception {
        Map<String, Double> pan = PanamaxWorker.run("gpt-generate", inputs, 1, 2);
        assertTrue(pan.get("value") > 0 && pan.get("first_token_ms") > 0, pan.toString());
        assumeTrue(TorchWorker.available(), "no PyTorch at " + TorchWorker.PYTHON);
        Map<String, Object> torch = python("gpt-generate", 1, 2);
        assertTrue(List.of("kv-cache", "full-forward").contains(torch.get("variant")), torch.toString());
        assertEquals(pan.get("check"), ((Number) torch.get("check")).doubleValue(), "token ids differ: " + torch.get("ids"));
    }
}
