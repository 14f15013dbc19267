package dev.panamax.onnx.graph;

import dev.panamax.onnx.proto.OnnxProto.GraphProto;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import dev.panamax.onnx.proto.OnnxProto.NodeProto;
import dev.panamax.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import dev.panamax.onnx.proto.OnnxProto.ValueInfoProto;
import dev.panamax.tensors.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's main graph in the importer's terms: nodes in order, initializers as tensors, declared inputs and
 * outputs, and the standard operator set version. Owns the initializer tensors ({@link #close()}).
 */
public final class Graph implements AutoCloseable {
    /**
     * The oldest and newest standard opset the importer loads. Opsets before 7 load too: where an operator's old
     * version means something else, it says so through attributes (broadcast, consumed_inputs, spatial, a string
     * {@code to}) that the importer refuses, and ONNX's node tests of opsets 1 and 6 pass.
     */
    public static final int MIN_OPSET = 1, MAX_OPSET = 21;

    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;
    private final List<ValueInfo> inputs, outputs;
    private final int opset;

    /** A graph from parts (fusion passes and tests build these). */
    public Graph(List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs, List<ValueInfo> outputs, int opset) {
        this.nodes = List.copyOf(nodes);
        this.initializers = initializers;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.opset = opset;
    }

    /** Converts a parsed model; {@code baseDir} is where external data files live. */
    public static Graph of(ModelProto model, Path baseDir) {
        return of(model, baseDir, new LinkedHashMap<>());
    }

    /**
     * Converts a model whose initializers were already read ({@link ModelReader}) into {@code init}, which the
     * graph then owns; any initializers left in {@code model} are added.
     */
    public static Graph of(ModelProto model, Path baseDir, Map<String, Tensor> init) {
        if (!model.hasGraph()) {
            init.values().forEach(Tensor::close);
            throw new IllegalArgumentException("the ONNX model has no graph; the file is empty or not an ONNX model");
        }
        int opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            String domain = o.getDomain();
            if (domain.isEmpty() || domain.equals("ai.onnx")) opset = (int) o.getVersion();
        }
        if (opset < 0) opset = model.getIrVersion() <= 3 ? 1 : -1;
        if (opset < 0) {
            init.values().forEach(Tensor::close);
            throw new IllegalArgumentException("the model imports no standard ONNX opset (only "
                    + model.getOpsetImportList().stream().map(OperatorSetIdProto::getDomain).toList() + "); Panamax imports the standard operators");
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            init.values().forEach(Tensor::close);
            throw new IllegalArgumentException("the model uses ONNX opset " + opset + "; Panamax imports opsets " + MIN_OPSET + " to "
                    + MAX_OPSET + " (convert it with onnx.version_converter)");
        }
        GraphProto g = model.getGraph();
        try {
            for (TensorProto t : g.getInitializerList()) init.put(t.getName(), TensorProtos.toTensor(t, baseDir));
            if (g.getSparseInitializerCount() > 0) throw new IllegalArgumentException("sparse initializers are not supported");
            List<Node> nodes = nodes(g);
            List<ValueInfo> ins = new ArrayList<>();
            for (ValueInfoProto v : g.getInputList()) if (!init.containsKey(v.getName())) ins.add(ValueInfo.of(v));
            List<ValueInfo> outs = new ArrayList<>();
            for (ValueInfoProto v : g.getOutputList()) outs.add(ValueInfo.of(v));
            Graph graph = new Graph(nodes, init, ins, outs, opset);
            graph.checkWellFormed();
            return graph;
        } catch (RuntimeException e) {
            init.values().forEach(Tensor::close);
            throw e;
        }
    }

    /**
     * The nodes of {@code g}. A node with a body (If, Loop, Scan) also reads, after its own inputs, the values of the
     * enclosing graphs that its bodies use ({@link #outerNames}), so that the runtime hands them over like any input.
     */
    private static List<Node> nodes(GraphProto g) {
        List<Node> nodes = new ArrayList<>(g.getNodeCount());
        for (NodeProto n : g.getNodeList()) {
            List<String> inputs = new ArrayList<>(n.getInputList());
            inputs.addAll(outerNames(n));
            Node node = new Node(n.getName(), n.getOpType(), n.getDomain().equals("ai.onnx") ? "" : n.getDomain(), inputs, n.getOutputList(), null);
            nodes.add(new Node(node.name(), node.opType(), node.domain(), node.inputs(), node.outputs(),
                    new Attributes(node.describe(), n.getAttributeList())));
        }
        return nodes;
    }

    /** The values that {@code n}'s bodies read from the graphs around them, in order of first use (none without bodies). */
    public static List<String> outerNames(NodeProto n) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (var a : n.getAttributeList()) if (a.hasG()) names.addAll(outerNames(a.getG()));
        return new ArrayList<>(names);
    }

    /** The values {@code body} reads that neither its inputs, its initializers nor its own nodes define. */
    public static List<String> outerNames(GraphProto body) {
        Set<String> defined = new HashSet<>();
        for (ValueInfoProto v : body.getInputList()) defined.add(v.getName());
        for (TensorProto t : body.getInitializerList()) defined.add(t.getName());
        for (NodeProto n : body.getNodeList()) defined.addAll(n.getOutputList());
        Set<String> outer = new java.util.LinkedHashSet<>();
        for (NodeProto n : body.getNodeList()) {
            for (String in : n.getInputList()) if (!in.isEmpty() && !defined.contains(in)) outer.add(in);
            for (String in : outerNames(n)) if (!defined.contains(in)) outer.add(in);
        }
        return new ArrayList<>(outer);
    }

    /**
     * A control-flow body as a graph of its own: its declared inputs, then {@code outer} (values of the enclosing
     * graph it reads, fed like inputs), its initializers (owned by the result) and its outputs.
     */
    public static Graph body(GraphProto g, int opset, List<String> outer) {
        Map<String, Tensor> init = new LinkedHashMap<>();
        try {
            for (TensorProto t : g.getInitializerList()) init.put(t.getName(), TensorProtos.toTensor(t, null));
            List<ValueInfo> ins = new ArrayList<>();
            for (ValueInfoProto v : g.getInputList()) ins.add(loose(v));
            for (String name : outer) ins.add(new ValueInfo(name, dev.panamax.tensors.DType.F32, null, null));
            List<ValueInfo> outs = new ArrayList<>();
            for (ValueInfoProto v : g.getOutputList()) outs.add(loose(v));
            Graph graph = new Graph(nodes(g), init, ins, outs, opset);
            graph.checkWellFormed();
            return graph;
        } catch (RuntimeException e) {
            init.values().forEach(Tensor::close);
            throw e;
        }
    }

    /** A body's input or output: bodies may leave types out (the runtime takes whatever tensor comes). */
    private static ValueInfo loose(ValueInfoProto v) {
        return v.getType().hasTensorType() ? ValueInfo.of(v) : new ValueInfo(v.getName(), dev.panamax.tensors.DType.F32, null, null);
    }

    /** Every value a node reads is produced before it (the ONNX rule: nodes are topologically sorted). */
    private void checkWellFormed() {
        Set<String> known = new HashSet<>(initializers.keySet());
        for (ValueInfo v : inputs) known.add(v.name());
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !known.contains(in)) {
                    throw new IllegalArgumentException(n.describe() + " reads '" + in + "', which no earlier node, input or initializer "
                            + "produces; the graph is corrupt or not topologically sorted");
                }
            }
            known.addAll(n.outputs());
        }
        for (ValueInfo v : outputs) {
            if (!known.contains(v.name())) throw new IllegalArgumentException("graph output '" + v.name() + "' is never produced");
        }
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public List<ValueInfo> inputs() {
        return inputs;
    }

    public List<ValueInfo> outputs() {
        return outputs;
    }

    /** The standard (ai.onnx) operator set version the model was exported with. */
    public int opset() {
        return opset;
    }

    /** The same graph with other nodes (a rewrite pass's result); shares the initializers. */
    public Graph withNodes(List<Node> newNodes) {
        return new Graph(newNodes, initializers, inputs, outputs, opset);
    }

    @Override
    public void close() {
        initializers.values().forEach(Tensor::close);
    }
}
