package dev.panamax.onnx.runtime;

import dev.panamax.onnx.graph.Graph;
import dev.panamax.onnx.graph.Node;
import dev.panamax.onnx.graph.ValueInfo;
import dev.panamax.onnx.ops.Constants;
import dev.panamax.onnx.ops.Kernel;
import dev.panamax.onnx.ops.Operators;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph compiled once, for any input shape: fused, pruned to what the outputs need, every node turned into a
 * kernel (so an unsupported operator or attribute fails at load time, not at the first call), values numbered.
 * Owns the constants ({@code Constant} nodes' values; the initializers stay with the {@link Graph}).
 */
public final class Program implements AutoCloseable {
    /** One node ready to run: its kernel and the numbers of the values it reads ({@code -1}: omitted) and writes. */
    record Step(Node node, Kernel kernel, int[] in, int[] out) {
        /** Operators whose result depends on their input's shape only: foldable once the input shapes are known. */
        boolean shapeOnly() {
            return node.domain().isEmpty() && (node.opType().equals("Shape") || node.opType().equals("Size"));
        }
    }

    final List<ValueInfo> inputs, outputs;
    final int[] inputIds, outputIds;
    /** By value number: the initializers and constants, null for computed values. */
    final Tensor[] constants;
    final Step[] steps;
    final int values;
    private final List<Tensor> owned = new ArrayList<>();
    private final Map<String, Integer> fused = new LinkedHashMap<>();

    public Program(Graph graph) {
        this.inputs = graph.inputs();
        this.outputs = graph.outputs();
        Map<String, Tensor> consts = new HashMap<>(graph.initializers());
        List<Node> nodes = new ArrayList<>();
        try {
            for (Node n : graph.nodes()) {
                if (n.domain().isEmpty() && n.opType().equals("Constant")) {
                    Tensor t = wrap(n, () -> Constants.of(n.attributes()));
                    owned.add(t);
                    if (!n.attributes().unread().isEmpty()) {
                        throw new IllegalArgumentException(n.describe() + ": attributes " + n.attributes().unread() + " not supported");
                    }
                    consts.put(n.outputs().getFirst(), t);
                } else {
                    nodes.add(n);
                }
            }
            Set<String> outs = new LinkedHashSet<>();
            for (ValueInfo v : outputs) outs.add(v.name());
            nodes = Fusion.live(Fusion.apply(nodes, consts, outs, fused), outs);

            Map<String, Integer> ids = new HashMap<>();
            for (ValueInfo v : inputs) ids.put(v.name(), ids.size());
            for (String c : consts.keySet()) ids.putIfAbsent(c, ids.size());
            for (Node n : nodes) for (String o : n.outputs()) if (!o.isEmpty()) ids.putIfAbsent(o, ids.size());
            this.values = ids.size();
            this.constants = new Tensor[values];
            consts.forEach((name, t) -> constants[ids.get(name)] = t);
            this.inputIds = inputs.stream().mapToInt(v -> ids.get(v.name())).toArray();
            this.outputIds = outputs.stream().mapToInt(v -> ids.get(v.name())).toArray();
            this.steps = new Step[nodes.size()];
            for (int i = 0; i < steps.length; i++) {
                Node n = nodes.get(i);
                Kernel k = Operators.create(n, graph.opset());
                steps[i] = new Step(n, k, n.inputs().stream().mapToInt(s -> s.isEmpty() ? -1 : ids.get(s)).toArray(),
                        n.outputs().stream().mapToInt(s -> s.isEmpty() ? -1 : ids.get(s)).toArray());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Tensor wrap(Node n, java.util.function.Supplier<Tensor> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(n.describe() + ": " + e.getMessage());
        }
    }

    /** How many patterns of each kind the fusion pass replaced (e.g. {@code Attention=6, LayerNorm=13}). */
    public Map<String, Integer> fusedPatterns() {
        return fused;
    }

    /** The number of nodes that run (after fusion and pruning), before shape folding. */
    public int nodeCount() {
        return steps.length;
    }

    @Override
    public void close() {
        owned.forEach(Tensor::close);
        owned.clear();
    }
}
