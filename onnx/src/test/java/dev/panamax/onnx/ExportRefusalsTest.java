package dev.panamax.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.nn.Dense;
import dev.panamax.nn.FunctionalModel;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.transformer.MultiHeadAttention;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the exporter refuses, each with one line naming the model or layer; and how it writes the file. */
class ExportRefusalsTest {
    @TempDir
    Path dir;

    @Test
    void anUnbuiltModelHasNoWeightsToWrite() {
        try (MemoryScope s = MemoryScope.open("unbuilt")) {
            Sequential model = Models.tutorialCnn(1, 10);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> OnnxExporter.export(model, dir.resolve("m.onnx")));
            assertOneLine(e, "model 'sequential' is not built");
            assertFalse(Files.exists(dir.resolve("m.onnx")));
        }
    }

    @Test
    void aLayerWithoutAnOnnxFormIsNamed() {
        try (MemoryScope s = MemoryScope.open("attention")) {
            Sequential model = new Sequential(1).add(new Dense(8, "relu")).add(new MultiHeadAttention(2, true)).build(4, 6);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toBytes(model));
            assertOneLine(e, "layer 'multi_head_attention' (MultiHeadAttention) cannot be exported to ONNX; the exporter writes Conv2D");
        }
    }

    @Test
    void aModelOfAnotherKindIsNamed() {
        try (MemoryScope s = MemoryScope.open("functional")) {
            Dense d = new Dense(3, "linear");
            FunctionalModel model = new FunctionalModel(1, List.of(d), (x, ctx) -> d.apply(x, ctx.training(), ctx.rng())).build(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toBytes(model));
            assertOneLine(e, "model 'functional' (FunctionalModel) cannot be exported to ONNX; the exporter writes Sequential models and Gpt");
        }
    }

    /** The target is replaced whole (a temporary file renamed over it), and nothing else is left in its folder. */
    @Test
    void theFileIsReplacedWholeAndNoTemporaryFileRemains() throws IOException {
        try (MemoryScope s = MemoryScope.open("atomic")) {
            Path file = dir.resolve("sub").resolve("model.onnx");
            OnnxExporter.export(new Sequential(1).add(new Dense(3, "relu")).build(4), file);
            Sequential second = new Sequential(2).add(new Dense(5, "softmax")).build(2);
            OnnxExporter.Summary summary = OnnxExporter.export(second, file);
            assertArrayEquals(OnnxExporter.toBytes(second), Files.readAllBytes(file));
            assertEquals(Files.size(file), summary.bytes());
            try (Stream<Path> files = Files.list(file.getParent())) {
                assertEquals(List.of(file), files.toList());
            }
            // A failed export (here: the target is a folder) leaves no temporary file behind either.
            Path folder = Files.createDirectories(dir.resolve("taken.onnx").resolve("x")).getParent();
            assertThrows(IOException.class, () -> OnnxExporter.export(second, folder));
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
            }
        }
    }

    private static void assertOneLine(RuntimeException e, String expected) {
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
