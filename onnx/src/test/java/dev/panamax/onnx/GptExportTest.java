package dev.panamax.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.nn.transformer.GptConfig;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2-layer GPT exported and run by ONNX Runtime and by Panamax's importer, against its own forward pass: several
 * batch sizes and sequence lengths (one file: both are symbolic), the exact and the tanh GELU.
 */
class GptExportTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void logitsMatchOnnxRuntimeAndTheImporter(boolean tanhGelu) throws IOException, OrtException {
        try (MemoryScope s = MemoryScope.open("gpt export")) {
            Gpt model = new Gpt(new GptConfig(29, 16, 2, 2, 16, tanhGelu), 11).build();
            ExportFixtures.perturb(model, 12, 0.05);
            Path file = dir.resolve("gpt.onnx");
            OnnxExporter.Summary summary = OnnxExporter.export(model, file);
            assertEquals("[batch, sequence]", summary.inputs().getFirst().describeShape());
            assertEquals("[batch, sequence, 29]", summary.outputs().getFirst().describeShape());
            // One initializer holds the token embedding: the head reads it transposed (weight tying).
            assertEquals(1, java.util.Collections.frequency(names(file), "token_embedding.embeddings"));
            try (OnnxModel imported = OnnxModel.load(file)) {
                Map<String, Integer> fused = imported.fusedPatterns();
                assertEquals(2, fused.get("Attention"), fused.toString());
                assertEquals(tanhGelu ? 8 : 6, fused.get("Linear"), fused.toString());
                if (!tanhGelu) assertEquals(2, fused.get("LinearGelu"), fused.toString());
                Rng rng = new Rng(13);
                for (int[] bt : new int[][] {{3, 11}, {1, 16}, {2, 1}}) {
                    long[] ids = new long[bt[0] * bt[1]];
                    for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(29);
                    Tensor tokens = Tensor.of(ids, bt[0], bt[1]);
                    Tensor expected = ExportFixtures.forward(model, tokens);  // (B, T, V)
                    double ort = Ort.run(file, Map.of("input_ids", tokens)).get("logits").maxAbsDiff(expected);
                    assertTrue(ort <= 1e-5, "batch " + bt[0] + ", sequence " + bt[1] + ": max |Panamax - ONNX Runtime| = " + ort);
                    double back = ExportFixtures.maxAbsDiff(imported.runSingle(Map.of("input_ids", tokens)), expected);
                    assertTrue(back <= 1e-5, "batch " + bt[0] + ", sequence " + bt[1] + ": max |Panamax - its import of the export| = " + back);
                }
            }
        }
    }

    private static java.util.List<String> names(Path file) throws IOException {
        var g = dev.panamax.onnx.proto.OnnxProto.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(file)).getGraph();
        return g.getInitializerList().stream().map(t -> t.getName()).toList();
    }
}
