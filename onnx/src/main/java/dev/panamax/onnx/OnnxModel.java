package dev.panamax.onnx;

import dev.panamax.onnx.graph.Graph;
import dev.panamax.onnx.graph.ModelReader;
import dev.panamax.onnx.graph.ValueInfo;
import dev.panamax.onnx.ops.OptionalValue;
import dev.panamax.onnx.ops.Sequence;
import dev.panamax.onnx.ops.StringTensor;
import dev.panamax.onnx.ops.Values;
import dev.panamax.onnx.runtime.Program;
import dev.panamax.onnx.runtime.Session;
import dev.panamax.tensors.internal.OneLine;
import dev.panamax.tensors.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An imported ONNX model, ready for inference from any number of threads.
 *
 * <pre>{@code
 * try (OnnxModel model = OnnxModel.load(Path.of("model.onnx"));
 *      MemoryScope scope = MemoryScope.open("inference")) {
 *     Map<String, Tensor> out = model.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types));
 * }
 * }</pre>
 *
 * Loading streams the file (weights go straight from the file into tensor memory, never onto the heap), fuses the recognised patterns (dense layers, GELU, LayerNorm, attention) into Panamax's fused kernels
 * and creates every node's kernel, so an unsupported operator, attribute or opset fails here with a message
 * naming the node. The first call with each set of input shapes folds the shape arithmetic into constants.
 */
public final class OnnxModel implements AutoCloseable {
    private final Graph graph;
    private final Program program;
    private final Session session;

    private OnnxModel(Graph graph) {
        this.graph = graph;
        try {
            this.program = new Program(graph);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        this.session = new Session(program);
    }

    /**
     * Loads {@code file}; external data files are looked up beside it.
     *
     * @param file an ONNX model file
     * @return the model, ready to run; close it to free its weights
     * @throws IllegalArgumentException when the file is missing, unreadable, not ONNX, or uses an operator or type
     *                                  Panamax does not run (one line naming the file and the problem)
     */
    public static OnnxModel load(Path file) {
        // Read as a stream (ModelReader): weights go from the file straight into tensor memory, never onto the heap,
        // and no mapped file counts against the process while they are copied.
        try (FileChannel ch = FileChannel.open(file); InputStream in = Channels.newInputStream(FileChannel.open(file))) {
            return new OnnxModel(read(in, ModelReader.Source.of(ch), file.toAbsolutePath().getParent()));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IllegalArgumentException e) {
            String m = OneLine.of(e.getMessage());
            throw new IllegalArgumentException(m.startsWith(file.toString()) ? m : file + ": " + m, e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + describe(e));
        }
    }

    /**
     * Loads a model held in memory (it cannot refer to external data).
     *
     * @param bytes the contents of an ONNX file
     * @return the model, ready to run; close it to free its weights
     * @throws IllegalArgumentException when the bytes are not a valid ONNX model or use what Panamax does not run
     */
    public static OnnxModel load(byte[] bytes) {
        try {
            return new OnnxModel(read(new ByteArrayInputStream(bytes), ModelReader.Source.of(bytes), null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(OneLine.of(e.getMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the ONNX bytes: " + describe(e));
        }
    }

    private static Graph read(InputStream in, ModelReader.Source source, Path dir) throws IOException {
        ModelReader.Read r = ModelReader.read(in, source, dir);
        if (!r.model().hasGraph()) {
            r.initializers().values().forEach(Tensor::close);
            throw new IllegalArgumentException("not an ONNX model (no graph); the file is empty or something else");
        }
        return Graph.of(r.model(), dir, r.initializers());
    }

    /** {@code InvalidProtocolBufferException} and friends, as one line saying what to suspect. */
    private static String describe(IOException e) {
        return e instanceof com.google.protobuf.InvalidProtocolBufferException
                ? "not a valid ONNX file (" + e.getMessage().replaceAll("\\s+", " ").trim() + "); it may be truncated or corrupt"
                : "cannot read (" + e.getMessage() + ")";
    }

    /** {@return the inputs a call needs, in the model's order} */
    public List<ValueInfo> inputs() {
        return session.inputs();
    }

    /** {@return the outputs a call returns, in the model's order} */
    public List<ValueInfo> outputs() {
        return session.outputs();
    }

    /** {@return the ONNX opset the model was exported with} */
    public int opset() {
        return graph.opset();
    }

    /** {@return how many patterns of each kind were fused into one kernel, e.g. {@code {Linear=36, Gelu=6, LayerNorm=13, Attention=6}}} */
    public Map<String, Integer> fusedPatterns() {
        return program.fusedPatterns();
    }

    /** {@return the number of nodes left to run after fusion and pruning (before per-shape folding)} */
    public int nodeCount() {
        return program.nodeCount();
    }

    /** {@return the number of nodes a call executes once the shape arithmetic is folded (the first call with each input shape runs all)} */
    public int stepsPerRun() {
        return program.stepsPerRun();
    }

    /**
     * How many buffers this model's step arenas have allocated since it was loaded: it stops growing once each
     * thread has run each input shape once (what the zero-allocation tests watch).
     *
     * @return the count of arena buffers allocated so far
     */
    public long arenaAllocations() {
        return session.freshAllocations();
    }

    /**
     * Runs the model. Every declared input must be given, with its declared element type (integer inputs of
     * another integer type are converted) and a shape that fits the declaration. The outputs are new tensors of the
     * caller's current scope, by name in the model's order. A model with sequence, optional or string inputs or
     * outputs runs with {@link #runValues}.
     *
     * @param inputs every declared input by name
     * @return the outputs by name, in the model's order; the caller owns them (or their scope does)
     * @throws IllegalArgumentException when an input is missing, unknown, of the wrong type or shape, or an output is
     *                                  not a numeric tensor
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Map<String, Tensor> result = new LinkedHashMap<>();
        runValues(inputs).forEach((name, v) -> {
            if (v instanceof Tensor t) {
                result.put(name, t);
            } else {
                result.values().forEach(Tensor::close);
                throw new IllegalArgumentException("output '" + name + "' is " + Values.kind(v) + ", not a numeric tensor; run the model with runValues");
            }
        });
        return result;
    }

    /**
     * {@link #run} for any ONNX values: a {@code Tensor} for a numeric tensor input, a {@link StringTensor},
     * {@link Sequence} or {@link OptionalValue} for the others, as the model declares them; the outputs likewise
     * (their tensors belong to the caller's current scope).
     *
     * @param inputs every declared input by name, each of the kind the model declares
     * @return the outputs by name, in the model's order
     * @throws IllegalArgumentException when an input is missing, unknown, or of the wrong kind, type or shape
     */
    public Map<String, Object> runValues(Map<String, ?> inputs) {
        List<ValueInfo> decl = inputs();
        for (String name : inputs.keySet()) {
            if (decl.stream().noneMatch(v -> v.name().equals(name))) {
                throw new IllegalArgumentException("the model has no input '" + name + "'; its inputs are "
                        + decl.stream().map(ValueInfo::name).toList());
            }
        }
        Object[] in = new Object[decl.size()];
        Tensor[] converted = new Tensor[decl.size()];
        try {
            for (int i = 0; i < in.length; i++) {
                ValueInfo v = decl.get(i);
                Object given = inputs.get(v.name());
                if (given == null) throw new IllegalArgumentException("input '" + v.name() + "' " + v.describeShape() + " is missing");
                in[i] = switch (v.kind()) {
                    case TENSOR -> {
                        Tensor t = checkTensor(v, given);
                        if (t != given) converted[i] = t;
                        yield t;
                    }
                    case STRINGS -> given instanceof StringTensor s ? s : wrongKind(v, given, "a StringTensor");
                    case SEQUENCE -> given instanceof Sequence s ? s : wrongKind(v, given, "a Sequence");
                    case OPTIONAL -> given instanceof OptionalValue o ? o : wrongKind(v, given, "an OptionalValue");
                };
            }
            Object[] out = session.runValues(in);
            Map<String, Object> result = new LinkedHashMap<>();
            for (int i = 0; i < out.length; i++) result.put(outputs().get(i).name(), out[i]);
            return result;
        } finally {
            for (Tensor c : converted) if (c != null) c.close();
        }
    }

    /** {@code given} as the tensor input {@code v} declares: shape checked, integers converted (a new tensor). */
    private static Tensor checkTensor(ValueInfo v, Object given) {
        if (!(given instanceof Tensor t)) return wrongKind(v, given, "a Tensor");
        v.checkShape(t.shape());
        if (t.dtype() == v.dtype()) return t;
        if (t.dtype().isFloating() || v.dtype().isFloating()) {
            throw new IllegalArgumentException("input '" + v.name() + "' is " + t.dtype() + " but the model expects " + v.dtype()
                    + "; convert it with tensor.to(DType." + v.dtype() + ")");
        }
        return t.to(v.dtype());
    }

    private static <T> T wrongKind(ValueInfo v, Object given, String wanted) {
        throw new IllegalArgumentException("input '" + v.name() + "' is " + Values.kind(given) + " but the model declares " + v.describe()
                + "; pass " + wanted);
    }

    /**
     * Runs a model with one output and returns it.
     *
     * @param inputs every declared input by name
     * @return the model's only output, owned by the caller (or its scope)
     * @throws IllegalStateException when the model has more than one output
     */
    public Tensor runSingle(Map<String, Tensor> inputs) {
        if (outputs().size() != 1) throw new IllegalStateException("the model has " + outputs().size() + " outputs; use run()");
        return run(inputs).values().iterator().next();
    }

    @Override
    public void close() {
        session.close();
        program.close();
        graph.close();
    }
}
