package dev.panamax.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.panamax.nn.Activation;
import dev.panamax.nn.BatchNormalization;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Dropout;
import dev.panamax.nn.Embedding;
import dev.panamax.nn.Flatten;
import dev.panamax.nn.GlobalAveragePooling2D;
import dev.panamax.nn.LayerNormalization;
import dev.panamax.nn.MaxPooling2D;
import dev.panamax.nn.Models;
import dev.panamax.nn.Reshape;
import dev.panamax.nn.Sequential;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported Sequential models against Panamax's own inference forward pass, twice: ONNX Runtime on the file, and
 * Panamax's importer on it. Images go in channels-last to Panamax and channels-first to the graph.
 */
class SequentialExportTest {
    @TempDir
    Path dir;

    /** The MNIST CNN (ReLU convolutions fused with max pooling in Panamax) at batch 1 and 7, one file for both. */
    @Test
    void mnistCnnMatchesOnnxRuntimeAndTheImporter() throws IOException, OrtException {
        try (MemoryScope s = MemoryScope.open("mnist export")) {
            Sequential model = Models.tutorialCnn(3, 10).build(28, 28, 1);
            ExportFixtures.perturb(model, 1, 0.05);
            Path file = dir.resolve("mnist.onnx");
            OnnxExporter.Summary summary = OnnxExporter.export(model, file);
            assertEquals(17, summary.opset());
            assertEquals("[batch, 1, 28, 28]", summary.inputs().getFirst().describeShape());
            assertEquals("[batch, 10]", summary.outputs().getFirst().describeShape());
            assertTrue(summary.describe().contains("nodes, opset 17"), summary.describe());
            for (int batch : new int[] {1, 7}) {
                Tensor x = Tensor.rand(new Rng(batch), DType.F32, batch, 28, 28, 1);  // Panamax's MNIST layout (N, H, W, C)
                compare(model, file, x, 1e-5);
            }
        }
    }

    /**
     * Every exportable layer kind: SAME convolution with stride 2 and ELU, BatchNormalization on images and (moved to
     * axis 1 and back) on a sequence, average pooling with SAME padding, a dilated GELU convolution, max pooling with
     * padding, global average pooling, Reshape, LayerNormalization, Flatten, Dropout, Dense with SiLU, tanh and
     * sigmoid, a softmax Activation.
     */
    @Test
    void everyLayerKindMatchesOnnxRuntimeAndTheImporter() throws IOException, OrtException {
        try (MemoryScope s = MemoryScope.open("layers export")) {
            Sequential model = new Sequential(5)
                    .add(new Conv2D(4, 3, 3, 2, "same", 1, "elu")).add(new BatchNormalization()).add(new Activation("leaky_relu"))
                    .add(new MaxPooling2D(2, 2, "same", true)).add(new Conv2D(6, 2, 2, 1, "same", 2, "gelu"))
                    .add(new MaxPooling2D(3, 2, "same", false)).add(new GlobalAveragePooling2D()).add(new Reshape(3, 2))
                    .add(new LayerNormalization()).add(new BatchNormalization(0.9, 1e-5)).add(new Flatten()).add(new Dropout(0.5))
                    .add(new Dense(5, "silu")).add(new Dense(4, "tanh")).add(new Dense(3, "sigmoid")).add(new Activation("softmax"))
                    .build(11, 9, 2);
            ExportFixtures.perturb(model, 2, 0.2);
            Path file = dir.resolve("layers.onnx");
            OnnxExporter.export(model, file);
            compare(model, file, Tensor.normal(new Rng(3), 0, 1, DType.F32, 3, 11, 9, 2), 1e-5);
        }
    }

    /** A model that ends on an image gives it channels-first, as ONNX image models do. */
    @Test
    void anImageOutputStaysChannelsFirst() throws IOException, OrtException {
        try (MemoryScope s = MemoryScope.open("image out")) {
            Sequential model = new Sequential(6).add(new Conv2D(3, 3, "relu")).add(new MaxPooling2D(2)).build(9, 8, 2);
            ExportFixtures.perturb(model, 4, 0.1);
            Path file = dir.resolve("image.onnx");
            assertEquals("[batch, 3, 3, 3]", OnnxExporter.export(model, file).outputs().getFirst().describeShape());
            compare(model, file, Tensor.normal(new Rng(5), 0, 1, DType.F32, 2, 9, 8, 2), 1e-5);
        }
    }

    /** Rows need no transposes; token ids make an int64 input read by Gather. */
    @Test
    void anMlpAndAnEmbeddingModelMatch() throws IOException, OrtException {
        try (MemoryScope s = MemoryScope.open("mlp")) {
            Sequential mlp = new Sequential(7).add(new Dense(8, "relu")).add(new Dropout(0.3)).add(new BatchNormalization())
                    .add(new Dense(3, "softmax")).build(5);
            ExportFixtures.perturb(mlp, 6, 0.2);
            Path file = dir.resolve("mlp.onnx");
            assertEquals(0, OnnxExporter.export(mlp, file).describe().indexOf(file.toString()));
            compare(mlp, file, Tensor.normal(new Rng(7), 0, 1, DType.F32, 4, 5), 1e-5);

            Sequential embed = new Sequential(8).add(new Embedding(10, 4)).add(new Flatten()).add(new Dense(3, "softmax")).build(6);
            ExportFixtures.perturb(embed, 9, 0.2);
            Path ids = dir.resolve("embedding.onnx");
            OnnxExporter.export(embed, ids);
            Tensor tokens = Tensor.of(new long[] {0, 9, 3, 3, 1, 7, 2, 2, 8, 0, 5, 4}, 2, 6);
            Tensor expected = ExportFixtures.forward(embed, tokens);
            assertTrue(Ort.run(ids, Map.of("input", tokens)).get("output").maxAbsDiff(expected) <= 1e-5);
            try (OnnxModel imported = OnnxModel.load(ids)) {
                assertTrue(ExportFixtures.maxAbsDiff(imported.runSingle(Map.of("input", tokens)), expected) <= 1e-5);
            }
        }
    }

    /** Panamax on {@code x} against ONNX Runtime and the importer on the graph's layout of {@code x}. */
    private static void compare(Sequential model, Path file, Tensor x, double tolerance) throws OrtException {
        Tensor expected = ExportFixtures.forward(model, x);
        Tensor in = x.rank() == 4 ? x.permute(0, 3, 1, 2).contiguous() : x;
        Tensor ours = expected.rank() == 4 ? expected.permute(0, 3, 1, 2).contiguous() : expected;
        double ort = Ort.run(file, Map.of("input", in)).get("output").maxAbsDiff(ours);
        assertTrue(ort <= tolerance, file.getFileName() + ": max |Panamax - ONNX Runtime| = " + ort);
        try (OnnxModel imported = OnnxModel.load(file)) {
            double back = ExportFixtures.maxAbsDiff(imported.runSingle(Map.of("input", in)), ours);
            assertTrue(back <= tolerance, file.getFileName() + ": max |Panamax - Panamax's import of the export| = " + back);
        }
    }
}
