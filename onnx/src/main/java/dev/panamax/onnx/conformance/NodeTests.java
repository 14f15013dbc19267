package dev.panamax.onnx.conformance;

import dev.panamax.onnx.OnnxModel;
import dev.panamax.onnx.conformance.Outcome.Status;
import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.onnx.graph.ValueInfo;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import dev.panamax.onnx.proto.OnnxProto.NodeProto;
import dev.panamax.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.panamax.onnx.proto.OnnxDataProto.OptionalProto;
import dev.panamax.onnx.proto.OnnxDataProto.SequenceProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * ONNX's backend node tests: each folder holds a one-operator {@code model.onnx} and {@code test_data_set_0} with
 * its inputs and expected outputs as {@code TensorProto} files. Each test is loaded with Panamax's importer (a
 * refusal makes it {@link Status#UNSUPPORTED}), run, and its outputs compared ({@link Comparison}).
 */
public final class NodeTests {
    /** Where Debian's {@code libonnx-testdata} puts them. */
    public static final Path DEBIAN_DIR = Path.of("/usr/include/onnx/backend/test/data/node");

    private NodeTests() {}

    /** The test folders under {@code dir} (those with a {@code model.onnx}) whose name matches {@code only} (null: all), sorted. */
    public static List<Path> find(Path dir, Pattern only) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such folder (apt-get install libonnx-testdata puts the node tests in " + DEBIAN_DIR + ")");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx")))
                    .filter(p -> only == null || only.matcher(p.getFileName().toString()).find())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs every test in {@code tests}, handing each outcome to {@code sink} as it is known, and returns them all. */
    public static List<Outcome> runAll(List<Path> tests, Consumer<Outcome> sink) {
        Map<String, String> opOf = new HashMap<>();
        List<Outcome> all = new ArrayList<>();
        for (Path t : tests) {
            Outcome o = run(t, opOf);
            sink.accept(o);
            all.add(o);
        }
        return all;
    }

    /**
     * Runs one test folder. {@code opOf} maps test names to their operators as they are read, so that
     * {@code test_x_expanded} (the operator written out as its function body) is filed under {@code test_x}'s operator.
     */
    static Outcome run(Path dir, Map<String, String> opOf) {
        String name = dir.getFileName().toString();
        ModelProto model;
        try (InputStream in = Files.newInputStream(dir.resolve("model.onnx"))) {
            model = ModelProto.parseFrom(in);
        } catch (IOException e) {
            return new Outcome(name, "?", -1, Status.FAILED, "cannot read model.onnx: " + e.getMessage());
        }
        String op = operator(name, model, opOf);
        opOf.put(name, op);
        int opset = opset(model);
        try (MemoryScope scope = MemoryScope.open("onnx node test")) {
            String mismatch = check(dir);
            return new Outcome(name, op, opset, mismatch == null ? Status.PASSED : Status.FAILED, mismatch == null ? "" : mismatch);
        } catch (Refusal r) {
            return new Outcome(name, op, opset, Status.UNSUPPORTED, r.getMessage());
        } catch (RuntimeException e) {
            return new Outcome(name, op, opset, Status.FAILED, oneLine(e));
        }
    }

    /** Null when every output matched; else the first mismatch. */
    private static String check(Path dir) {
        OnnxModel model;
        try {
            model = OnnxModel.load(dir.resolve("model.onnx"));
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage().replace(dir.resolve("model.onnx") + ": ", ""));
        }
        try (model) {
            Path data = dir.resolve("test_data_set_0");
            List<ValueInfo> inputs = model.inputs(), outputs = model.outputs();
            Map<String, Object> feed = new LinkedHashMap<>();
            for (int i = 0; i < inputs.size(); i++) feed.put(inputs.get(i).name(), read(data.resolve("input_" + i + ".pb"), inputs.get(i)));
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < outputs.size(); i++) expected.add(read(data.resolve("output_" + i + ".pb"), outputs.get(i)));
            Map<String, Object> got;
            try {
                got = model.runValues(feed);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().contains("not supported")) throw new Refusal(e.getMessage());
                throw e;
            }
            for (int i = 0; i < outputs.size(); i++) {
                String m = Comparison.mismatch(outputs.get(i).name(), expected.get(i), got.get(outputs.get(i).name()));
                if (m != null) return m;
            }
            return null;
        }
    }

    /** A data file as the model declares the value: a {@code TensorProto}, {@code SequenceProto} or {@code OptionalProto}. */
    private static Object read(Path file, ValueInfo declared) {
        try (InputStream in = Files.newInputStream(file)) {
            return switch (declared.kind()) {
                case SEQUENCE -> DataProtos.sequence(SequenceProto.parseFrom(in), file.getParent());
                case OPTIONAL -> DataProtos.optional(OptionalProto.parseFrom(in), file.getParent());
                case TENSOR, STRINGS -> DataProtos.tensor(bfloat16(TensorProto.parseFrom(in), declared), file.getParent());
            };
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new Refusal(file.getFileName() + ": " + e.getMessage());
        }
    }

    private static TensorProto bfloat16(TensorProto p, ValueInfo declared) {
        if (declared.dtype() == DType.BF16 && p.getDataType() == TensorProto.DataType.UINT16_VALUE) {
            // NumPy has no bfloat16: ONNX 1.12's generator saved bfloat16 data as its 16-bit patterns, typed uint16.
            return p.toBuilder().setDataType(TensorProto.DataType.BFLOAT16_VALUE).build();
        }
        return p;
    }

    private static String operator(String name, ModelProto model, Map<String, String> opOf) {
        if (name.endsWith("_expanded")) {
            String op = opOf.get(name.substring(0, name.length() - "_expanded".length()));
            if (op != null) return op;
        }
        List<NodeProto> nodes = model.getGraph().getNodeList();
        return nodes.isEmpty() ? "?" : nodes.getLast().getOpType();  // the tested operator, after any Constant that feeds it
    }

    private static int opset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) return (int) o.getVersion();
        }
        return -1;
    }

    private static String oneLine(RuntimeException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }

    /** The importer refused the model or one of its tensors: the test is unsupported, not failed. */
    private static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message.replaceAll("\\s+", " ").trim(), null, false, false);
        }
    }
}
