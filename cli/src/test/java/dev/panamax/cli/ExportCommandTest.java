package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.train.Predictor;
import dev.panamax.onnx.OnnxModel;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax export} on a saved MNIST CNN and on a GPT trained here; what it prints; one line for bad input. */
class ExportCommandTest {
    @Test
    void exportsASavedMnistModelThatRunsLikeIt(@TempDir Path dir) throws IOException {
        Path saved = dir.resolve("mnist"), file = dir.resolve("mnist.onnx");
        try (MemoryScope s = MemoryScope.open("save")) {
            ModelIo.save(Models.tutorialCnn(3, 10).build(28, 28, 1), saved);
        }
        String said = MainTest.capture(() -> Main.run("export", saved.toString(), file.toString()), 0);
        assertTrue(said.contains("(Sequential, 8 layers, 93,322 parameters) to " + file), said);
        assertTrue(said.contains("nodes, opset 17,") && said.contains("bytes"), said);
        assertTrue(said.contains("input  input float [batch, 1, 28, 28]") && said.contains("output output float [batch, 10]"), said);
        try (MemoryScope s = MemoryScope.open("check"); Sequential model = ModelIo.load(saved); Predictor p = new Predictor(model);
             OnnxModel onnx = OnnxModel.load(file)) {
            Tensor x = Tensor.rand(new Rng(1), DType.F32, 3, 28, 28, 1);
            Tensor expected = p.predict(x, 3);
            try (Tensor nchw = x.permute(0, 3, 1, 2); Tensor in = nchw.contiguous(); Tensor got = onnx.runSingle(Map.of("input", in));
                 Tensor d = got.sub(expected); Tensor a = d.abs(); Tensor worst = a.max()) {
                assertTrue(worst.item() <= 1e-5, "max |ONNX - Panamax| = " + worst.item());
            }
        }
    }

    @Test
    void exportsAGptFolder(@TempDir Path dir) throws IOException {
        Path data = Files.writeString(dir.resolve("cats.txt"), "the cat sat on the mat.\n".repeat(40)), out = dir.resolve("out");
        MainTest.capture(() -> Main.run("train", "gpt", "--data", data.toString(), "--out", out.toString(), "--iters", "2", "--eval-interval", "2",
                "--eval-windows", "2", "--layers", "2", "--heads", "2", "--dim", "8", "--context", "8", "--batch-size", "2"), 0);
        Path file = dir.resolve("gpt.onnx");
        String said = MainTest.capture(() -> Main.run("export", out.resolve("model").toString(), file.toString()), 0);
        assertTrue(said.contains("(GPT, ") && said.contains("input  input_ids int64 [batch, sequence]"), said);
        assertTrue(said.matches("(?s).*output logits float \\[batch, sequence, \\d+\\].*"), said);
        assertTrue(Files.size(file) > 0);
    }

    @Test
    void badFoldersGetOneLine(@TempDir Path dir) throws IOException {
        assertOneLine(MainTest.capture(() -> Main.run("export", dir.resolve("none").toString(), dir.resolve("m.onnx").toString()), 1),
                "no such model folder");
        assertOneLine(MainTest.capture(() -> Main.run("export", dir.toString(), dir.resolve("m.onnx").toString()), 1),
                "is not a saved Panamax model");
        Files.writeString(dir.resolve("config.json"), "{not json");
        Files.writeString(dir.resolve("model.safetensors"), "");
        assertOneLine(MainTest.capture(() -> Main.run("export", dir.toString(), dir.resolve("m.onnx").toString()), 1), "config.json: not valid JSON");
        assertTrue(Files.notExists(dir.resolve("m.onnx")));
    }

    private static void assertOneLine(String said, String expected) {
        assertTrue(said.startsWith("panamax export: ") && said.contains(expected), said);
        assertEquals(1, said.strip().lines().count(), "one line, no stack trace:\n" + said);
    }
}
