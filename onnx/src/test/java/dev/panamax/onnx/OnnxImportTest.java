package dev.panamax.onnx;

import static dev.panamax.onnx.Models.floats;
import static dev.panamax.onnx.Models.i;
import static dev.panamax.onnx.Models.ints;
import static dev.panamax.onnx.Models.longs;
import static dev.panamax.onnx.Models.model;
import static dev.panamax.onnx.Models.node;
import static dev.panamax.onnx.Models.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer on small graphs built in code: operator semantics checked against ONNX Runtime on the same bytes,
 * shape folding, and every kind of bad input getting a one-line error that names the problem.
 */
class OnnxImportTest {
    /** Shape arithmetic the way exporters write it, around a MatMul, a Softmax of opset 11 and a Gather. */
    private static byte[] reshapeChain(int opset) {
        return model(opset, List.of(
                        node("Shape", List.of("x"), List.of("s")),
                        node("Gather", List.of("s", "zero"), List.of("b"), i("axis", 0)),
                        node("Unsqueeze", List.of("b"), List.of("b1"), ints("axes", 0)),
                        node("Concat", List.of("b1", "minus1", "two"), List.of("shape"), i("axis", 0)),
                        node("Reshape", List.of("x", "shape"), List.of("r")),            // (n, 3, 2)
                        node("Transpose", List.of("r"), List.of("t"), ints("perm", 0, 2, 1)),  // (n, 2, 3)
                        node("MatMul", List.of("t", "w"), List.of("m")),                 // (n, 2, 4)
                        node("Softmax", List.of("m"), List.of("p"), i("axis", 1)),       // opset 11: over the last two axes together
                        node("Gather", List.of("p", "idx"), List.of("y"), i("axis", 2))),  // (n, 2, 2)
                List.of(value("x", 1, -1, 6)), List.of(value("y", 1, -1, 2, 2)),
                Models.scalar("zero", 0), longs("minus1", -1), longs("two", 2),
                floats("w", new long[] {3, 4}, 0.5f, -1f, 2f, 0.25f, 1f, 1.5f, -0.5f, 0f, -2f, 0.75f, 1f, 3f),
                Models.longs("idx", 3, -4));
    }

    @Test
    void shapeChainsFoldAndTheResultMatchesOnnxRuntime() throws Exception {
        byte[] bytes = reshapeChain(11);
        Random rnd = new Random(3);
        for (int n : new int[] {1, 5}) {
            float[] x = new float[n * 6];
            for (int k = 0; k < x.length; k++) x[k] = (float) rnd.nextGaussian();
            float[] expected = ort(bytes, "x", x, new long[] {n, 6});
            try (OnnxModel m = OnnxModel.load(bytes); MemoryScope s = MemoryScope.open("t")) {
                assertEquals(9, m.nodeCount());
                assertEquals(5, m.stepsPerRun(), "Shape, its Gather, Unsqueeze and Concat fold; the five nodes on data run");
                float[] got = m.runSingle(Map.of("x", Tensor.of(x, n, 6))).toFloatArray();
                float[] again = m.runSingle(Map.of("x", Tensor.of(x, n, 6))).toFloatArray();  // the planned path
                assertArrayEquals(expected, got, 1e-6f);
                assertArrayEquals(got, again, 0f);
            }
        }
    }

    @Test
    void truncatedOrGarbageFilesAreRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
        byte[] good = reshapeChain(11);
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(cut));
        assertTrue(e.getMessage().contains("cut.onnx") && (e.getMessage().contains("truncated") || e.getMessage().contains("never produced")),
                e.getMessage());
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "this is not a model at all, just text\n");
        e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(junk));
        assertTrue(e.getMessage().contains("junk.onnx"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(dir.resolve("missing.onnx")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void unsupportedOperatorsAttributesAndOpsetsNameTheNode() {
        byte[] unknownOp = model(13, List.of(node("Bernoulli", List.of("x"), List.of("y"))), List.of(value("x", 1, 3)), List.of(value("y", 7, 1, -1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(unknownOp));
        assertTrue(e.getMessage().contains("Bernoulli_y") && e.getMessage().contains("not supported"), e.getMessage());

        byte[] badAttr = model(13, List.of(node("Softmax", List.of("x"), List.of("y"), i("axis", -1), i("colour", 3))),
                List.of(value("x", 1, 3)), List.of(value("y", 1, 3)));
        e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(badAttr));
        assertTrue(e.getMessage().contains("colour") && e.getMessage().contains("Softmax_y"), e.getMessage());

        byte[] newOpset = model(99, List.of(node("Relu", List.of("x"), List.of("y"))), List.of(value("x", 1, 3)), List.of(value("y", 1, 3)));
        e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(newOpset));
        assertTrue(e.getMessage().contains("opset 99"), e.getMessage());
    }

    @Test
    void inputsAreCheckedAgainstTheDeclaration() {
        try (OnnxModel m = OnnxModel.load(reshapeChain(11)); MemoryScope s = MemoryScope.open("t")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.run(Map.of("x", Tensor.zeros(dev.panamax.tensors.DType.F32, 2, 5))));
            assertTrue(e.getMessage().contains("[2, 5]") && e.getMessage().contains("[n, 6]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.run(Map.of()));
            assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("missing"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.run(Map.of("x", Tensor.zeros(dev.panamax.tensors.DType.F64, 1, 6))));
            assertTrue(e.getMessage().contains("F64") && e.getMessage().contains("F32"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.run(Map.of("y", Tensor.zeros(dev.panamax.tensors.DType.F32, 1, 6))));
            assertTrue(e.getMessage().contains("no input 'y'"), e.getMessage());
        }
    }

    @Test
    void aShapeErrorInsideTheGraphNamesTheNode() {
        byte[] bytes = model(13, List.of(node("MatMul", List.of("x", "w"), List.of("y"))), List.of(value("x", 1, -1, -1)),
                List.of(value("y", 1, -1, 4)), floats("w", new long[] {3, 4}, new float[12]));
        try (OnnxModel m = OnnxModel.load(bytes); MemoryScope s = MemoryScope.open("t")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.run(Map.of("x", Tensor.zeros(dev.panamax.tensors.DType.F32, 2, 5))));
            assertTrue(e.getMessage().startsWith("node 'MatMul_y' (MatMul)") && e.getMessage().contains("inner dimensions"), e.getMessage());
        }
    }

    @Test
    void initializersInExternalDataFilesAreReadFromBesideTheModel(@TempDir Path dir) throws Exception {
        float[] w = {1, 2, 3, 4, 5, 6};  // (3, 2)
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(16 + 24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        data.position(16);
        for (float v : w) data.putFloat(v);
        Files.write(dir.resolve("weights.bin"), data.array());
        for (String location : new String[] {"weights.bin", "missing.bin", "../weights.bin"}) {
            var tensor = dev.panamax.onnx.proto.OnnxProto.TensorProto.newBuilder().setName("w").setDataType(1).addDims(3).addDims(2)
                    .setDataLocation(dev.panamax.onnx.proto.OnnxProto.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", location)).addExternalData(entry("offset", "16"))
                    .addExternalData(entry("length", "24")).build();
            Path file = dir.resolve("ext.onnx");
            Files.write(file, model(13, List.of(node("MatMul", List.of("x", "w"), List.of("y"))), List.of(value("x", 1, 1, 3)),
                    List.of(value("y", 1, 1, 2)), tensor));
            if (!location.equals("weights.bin")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.load(file));
                assertTrue(e.getMessage().contains(location.equals("missing.bin") ? "no such file" : "leaves the model's folder"), e.getMessage());
                continue;
            }
            try (OnnxModel m = OnnxModel.load(file); MemoryScope s = MemoryScope.open("t")) {
                float[] y = m.runSingle(Map.of("x", Tensor.of(new float[] {1, 10, 100}, 1, 3))).toFloatArray();
                assertArrayEquals(new float[] {1 + 30 + 500, 2 + 40 + 600}, y, 0f);
            }
        }
    }

    private static dev.panamax.onnx.proto.OnnxProto.StringStringEntryProto entry(String k, String v) {
        return dev.panamax.onnx.proto.OnnxProto.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /** ONNX Runtime's output for one float input. */
    static float[] ort(byte[] model, String name, float[] x, long[] shape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape); OrtSession.Result r = s.run(Map.of(name, in))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }
}
