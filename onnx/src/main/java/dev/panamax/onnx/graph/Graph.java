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
            List<Node> nodes = new ArrayList<>(g.getNodeCount());
            for (NodeProto n : g.getNodeList()) {
                Node node = new Node(n.getName(), n.getOpType(), n.getDomain().equals("ai.onnx") ? "" : n.getDomain(), n.getInputList(),
                        n.getOutputList(), null);
                nodes.add(new Node(node.name(), node.opType(), node.domain(), node.inputs(), node.outputs(),
                        new Attributes(node.describe(), n.getAttributeList())));
            }
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
