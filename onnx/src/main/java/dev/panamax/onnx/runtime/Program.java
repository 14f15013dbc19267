package dev.panamax.onnx.runtime;

import dev.panamax.onnx.graph.Graph;
import dev.panamax.onnx.graph.Node;
import dev.panamax.onnx.graph.ValueInfo;
import dev.panamax.onnx.ops.Constants;
import dev.panamax.onnx.ops.Kernel;
import dev.panamax.onnx.ops.Operators;
import dev.panamax.onnx.ops.PreparesConstants;
import dev.panamax.onnx.ops.StorageTypes;
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
    /** For each step: whether its outputs depend only on constants and shapes (computed once per input shapes). */
    final boolean[] foldable;
    /** For each step, the values computed per run whose last reader it is (closed right after it). */
    final int[][] release;
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
                Kernel k = ControlFlow.handles(n) ? ControlFlow.create(n, graph.opset()) : Operators.create(n, graph.opset());
                Tensor[] known = n.inputs().stream().map(consts::get).toArray(Tensor[]::new);
                // Constants of a storage type reach the kernel widened, per call: nothing to prepare them for.
                boolean storage = java.util.Arrays.stream(known).anyMatch(t -> t != null && t.dtype().isStorageOnly());
                if (k instanceof PreparesConstants p && !storage) k = p.prepare(known);
                if (!ControlFlow.handles(n)) k = StorageTypes.wrap(n, k);
                steps[i] = new Step(n, k, n.inputs().stream().mapToInt(s -> s.isEmpty() ? -1 : ids.get(s)).toArray(),
                        n.outputs().stream().mapToInt(s -> s.isEmpty() ? -1 : ids.get(s)).toArray());
            }
            this.foldable = foldable(steps, constants, values);
            this.release = releaseSchedule(steps, foldable, outputIds, values);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A step folds when it reads only shapes ({@code Shape}, {@code Size}) or only constants and folded values: a
     * property of the graph, not of the input shapes (only the folded values depend on those).
     */
    private static boolean[] foldable(Step[] steps, Tensor[] constants, int values) {
        boolean[] isStatic = new boolean[values];
        for (int id = 0; id < values; id++) isStatic[id] = constants[id] != null;
        boolean[] f = new boolean[steps.length];
        for (int k = 0; k < steps.length; k++) {
            boolean fold = true;
            for (int id : steps[k].in()) if (id >= 0 && !isStatic[id]) fold = false;
            f[k] = fold || steps[k].shapeOnly();
            if (f[k]) for (int id : steps[k].out()) if (id >= 0) isStatic[id] = true;
        }
        return f;
    }

    /** Each computed value is closed after its last reader (or at once when nothing reads it), unless it is an output. */
    private static int[][] releaseSchedule(Step[] steps, boolean[] foldable, int[] outputIds, int values) {
        int[] last = new int[values];
        java.util.Arrays.fill(last, -1);
        boolean[] computed = new boolean[values];
        for (int k = 0; k < steps.length; k++) {
            // A folded step reads its inputs on the first run (a Shape of a value nothing else reads, say): it counts.
            for (int id : steps[k].in()) if (id >= 0) last[id] = k;
            if (foldable[k]) continue;
            for (int id : steps[k].out()) {
                if (id >= 0) {
                    computed[id] = true;
                    last[id] = Math.max(last[id], k);
                }
            }
        }
        for (int id : outputIds) last[id] = -1;
        List<List<Integer>> at = new ArrayList<>();
        for (int k = 0; k < steps.length; k++) at.add(new ArrayList<>());
        for (int id = 0; id < values; id++) if (computed[id] && last[id] >= 0) at.get(last[id]).add(id);
        int[][] r = new int[steps.length][];
        for (int k = 0; k < r.length; k++) r[k] = at.get(k).stream().mapToInt(Integer::intValue).toArray();
        return r;
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

    /** The number of nodes a call executes once its shapes are planned (the rest are folded into constants). */
    public int stepsPerRun() {
        int n = 0;
        for (boolean f : foldable) if (!f) n++;
        return n;
    }

    @Override
    public void close() {
        owned.forEach(Tensor::close);
        owned.clear();
    }
}
