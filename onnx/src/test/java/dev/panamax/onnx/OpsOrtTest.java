package dev.panamax.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The importer's CNN/MLP operators against ONNX Runtime, one small model per case (written by
 * {@code src/test/python/make_op_models.py}): Conv with uneven, SAME and VALID padding, strides, dilation, groups
 * and depthwise; max and average pooling with padding; BatchNormalization; the parameterised activations; a small
 * CNN and an MLP. And each refusal: one line naming the node and what to do.
 */
class OpsOrtTest {
    static Path file(String name) {
        try {
            return Path.of(OpsOrtTest.class.getResource("/ops/" + name + ".onnx").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("ops/" + name + ".onnx is not on the test classpath; run src/test/python/make_op_models.py", e);
        }
    }

    static Stream<String> models() throws IOException, URISyntaxException {
        Path dir = Path.of(OpsOrtTest.class.getResource("/ops").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx") && !n.startsWith("bad_"))
                    .map(n -> n.substring(0, n.length() - ".onnx".length())).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void matchesOnnxRuntime(String name) throws OrtException {
        Path model = file(name);
        long[] shape = Ort.inputShape(model, "x");
        try (MemoryScope s = MemoryScope.open(name); OnnxModel imported = OnnxModel.load(model)) {
            Tensor x = Tensor.normal(new Rng(name.hashCode()), 0, 2, DType.F32, shape);
            Ort.Output expected = Ort.run(model, Map.of("x", x)).get("y");
            double diff = expected.maxAbsDiff(imported.runSingle(Map.of("x", x)));
            assertTrue(diff <= 1e-5, name + ": max |Panamax - ONNX Runtime| = " + diff);
        }
    }

    /** Files the importer once refused (hence their names), now run by its reference pooling: as ONNX Runtime computes them. */
    @ParameterizedTest
    @CsvSource({"bad_maxpool_ceil_mode", "bad_maxpool_indices"})
    void formerRefusalsMatchOnnxRuntime(String name) throws OrtException {
        Path model = file(name);
        long[] shape = Ort.inputShape(model, "x");
        try (MemoryScope s = MemoryScope.open(name); OnnxModel imported = OnnxModel.load(model)) {
            Tensor x = Tensor.normal(new Rng(name.hashCode()), 0, 2, DType.F32, shape);
            Ort.Output expected = Ort.run(model, Map.of("x", x)).get("y");
            double diff = expected.maxAbsDiff(imported.run(Map.of("x", x)).get("y"));
            assertTrue(diff <= 1e-5, name + ": max |Panamax - ONNX Runtime| = " + diff);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bad_conv_3d                 | (Conv): input [1, 1, 4, 4, 4] and weights [2, 1, 2, 2, 2] must be (N, C, H, W)",
        "bad_conv_group_mismatch     | (Conv): weights [4, 3, 3, 3] with group 2 do not fit 4 input channels: expected (F, 2, KH, KW)",
        "bad_avgpool_dilated         | (AveragePool): dilations are not supported for AveragePool",
        "bad_conv_auto_pad_with_pads | (Conv): pads [1, 1, 1, 1] with auto_pad SAME_UPPER"})
    void refusesWhatItCannotRunWithOneLineNamingTheNode(String name, String expected) throws IOException {
        Path model = file(name);
        long[] shape = declaredShape(model);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            try (MemoryScope s = MemoryScope.open(name); OnnxModel imported = OnnxModel.load(model)) {
                imported.runSingle(Map.of("x", Tensor.zeros(DType.F32, shape)));
            }
        });
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("node '"), "names the node: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /** Input x's shape as the file declares it (ONNX Runtime refuses to open some of these files at all). */
    private static long[] declaredShape(Path model) throws IOException {
        var dims = ModelProto.parseFrom(Files.readAllBytes(model)).getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
        return dims.stream().mapToLong(d -> d.getDimValue()).toArray();
    }
}
