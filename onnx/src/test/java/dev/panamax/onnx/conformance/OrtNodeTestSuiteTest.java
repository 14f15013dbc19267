package dev.panamax.onnx.conformance;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The reference measurement for the README: the same node tests through ONNX Runtime (the test dependency's version),
 * compared the same way ({@link Comparison}). Off by default (it measures ONNX Runtime, not Panamax); run it with
 * {@code -Dpanamax.ortNodeTests=true}. ONNX Runtime's Java API cannot make uint16/32/64 tensors, sequences or
 * optionals, so those tests count as not passed here; results go to {@code target/ort-node-tests.tsv}.
 */
class OrtNodeTestSuiteTest {
    @Test
    void measureOnnxRuntime() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("panamax.ortNodeTests"), "measures ONNX Runtime; -Dpanamax.ortNodeTests=true runs it");
        Assumptions.assumeTrue(Files.isDirectory(NodeTests.DEBIAN_DIR), "libonnx-testdata is not installed");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        StringBuilder report = new StringBuilder();
        int passed = 0, total = 0;
        for (Path dir : NodeTests.find(NodeTests.DEBIAN_DIR, null)) {
            String result;
            try {
                result = run(env, dir);
            } catch (OrtException | RuntimeException e) {
                result = "error: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
            }
            total++;
            if (result == null) passed++;
            report.append(dir.getFileName()).append('\t').append(result == null ? "passed" : result).append('\n');
        }
        report.append("# ONNX Runtime ").append(env.getVersion()).append(": ").append(passed).append(" of ").append(total).append(" passed\n");
        Files.writeString(Path.of("target", "ort-node-tests.tsv"), report);
        System.out.println("ONNX Runtime " + env.getVersion() + ": " + passed + " of " + total + " node tests pass");
    }

    /** Null when ONNX Runtime's outputs match the expected ones, else why not. */
    private static String run(OrtEnvironment env, Path dir) throws OrtException, IOException {
        List<OnnxTensor> made = new ArrayList<>();
        try (OrtSession s = env.createSession(Files.readAllBytes(dir.resolve("model.onnx")), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            List<String> names = new ArrayList<>(s.getInputNames());
            for (int i = 0; i < names.size(); i++) {
                OnnxTensor t = tensor(env, TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/input_" + i + ".pb"))));
                made.add(t);
                feed.put(names.get(i), t);
            }
            try (OrtSession.Result r = s.run(feed)) {
                int i = 0;
                for (Map.Entry<String, OnnxValue> e : r) {
                    TensorProto want = TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/output_" + i++ + ".pb")));
                    String m = compare(e.getKey(), want, e.getValue());
                    if (m != null) return m;
                }
            }
            return null;
        } finally {
            made.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, TensorProto p) throws OrtException {
        long[] shape = p.getDimsList().stream().mapToLong(Long::longValue).toArray();
        DataType t = DataType.forNumber(p.getDataType());
        if (t == DataType.STRING) {
            return OnnxTensor.createTensor(env, p.getStringDataList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new), shape);
        }
        OnnxJavaType jt = switch (t) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT8 -> OnnxJavaType.INT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            default -> throw new IllegalArgumentException("ONNX Runtime's Java API cannot make " + t + " tensors");
        };
        return OnnxTensor.createTensor(env, bytes(p, t, jt.size), shape, jt);
    }

    /** The elements of {@code p} as little-endian bytes of {@code size} each. */
    private static ByteBuffer bytes(TensorProto p, DataType t, int size) {
        if (p.hasRawData()) return ByteBuffer.allocateDirect(p.getRawData().size()).order(ByteOrder.LITTLE_ENDIAN).put(p.getRawData().asReadOnlyByteBuffer()).flip();
        int n = switch (t) {
            case FLOAT -> p.getFloatDataCount();
            case DOUBLE -> p.getDoubleDataCount();
            case INT64 -> p.getInt64DataCount();
            default -> p.getInt32DataCount();
        };
        ByteBuffer b = ByteBuffer.allocateDirect(n * size).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (t) {
                case FLOAT -> b.putFloat(p.getFloatData(i));
                case DOUBLE -> b.putDouble(p.getDoubleData(i));
                case INT64 -> b.putLong(p.getInt64Data(i));
                default -> {
                    int v = p.getInt32Data(i);
                    switch (size) {
                        case 1 -> b.put((byte) v);
                        case 2 -> b.putShort((short) v);
                        default -> b.putInt(v);
                    }
                }
            }
        }
        return b.flip();
    }

    private static String compare(String name, TensorProto want, OnnxValue got) throws OrtException {
        if (!(got instanceof OnnxTensor t)) return name + ": not a tensor";
        TensorInfo info = t.getInfo();
        long[] shape = want.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (!Arrays.equals(shape, info.getShape())) return name + ": shape " + Arrays.toString(info.getShape()) + ", expected " + Arrays.toString(shape);
        DataType dt = DataType.forNumber(want.getDataType());
        if (dt == DataType.STRING) {
            String[] g = (String[]) flatten(t.getValue());
            String[] w = want.getStringDataList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new);
            return Arrays.equals(g, w) ? null : name + ": strings differ";
        }
        OnnxJavaType jt = info.type;
        ByteBuffer g = t.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN), w = bytes(want, dt, jt.size);
        int n = (int) info.getNumElements();
        for (int i = 0; i < n; i++) {
            double gv = value(g, jt, i), wv = value(w, jt, i);
            boolean floating = jt == OnnxJavaType.FLOAT || jt == OnnxJavaType.DOUBLE || jt == OnnxJavaType.FLOAT16 || jt == OnnxJavaType.BFLOAT16;
            if (floating ? Comparison.excess(wv, gv) > 0 : gv != wv) return name + "[" + i + "] = " + gv + ", expected " + wv;
        }
        return null;
    }

    private static double value(ByteBuffer b, OnnxJavaType t, int i) {
        return switch (t) {
            case FLOAT -> b.getFloat(i * 4);
            case DOUBLE -> b.getDouble(i * 8);
            case INT64 -> b.getLong(i * 8);
            case INT32 -> b.getInt(i * 4);
            case INT16 -> b.getShort(i * 2);
            case FLOAT16 -> Float.float16ToFloat(b.getShort(i * 2));
            case BFLOAT16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
            case UINT8, BOOL -> b.get(i) & 0xff;
            default -> b.get(i);
        };
    }

    /** A (possibly nested) String array, flattened in row-major order. */
    private static Object[] flatten(Object v) {
        List<Object> out = new ArrayList<>();
        flattenInto(v, out);
        return out.toArray(String[]::new);
    }

    private static void flattenInto(Object v, List<Object> out) {
        if (v instanceof Object[] a && !(v instanceof String[])) {
            for (Object o : a) flattenInto(o, out);
        } else if (v instanceof String[] s) {
            out.addAll(Arrays.asList(s));
        } else {
            out.add(v);
        }
    }
}
