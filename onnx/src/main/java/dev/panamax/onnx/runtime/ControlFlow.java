package dev.panamax.onnx.runtime;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.Graph;
import dev.panamax.onnx.graph.Node;
import dev.panamax.onnx.ops.Kernel;
import dev.panamax.onnx.ops.Sequence;
import dev.panamax.onnx.ops.ValueKernel;
import dev.panamax.onnx.ops.Values;
import dev.panamax.onnx.proto.OnnxProto.GraphProto;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * If, Loop and Scan: operators whose bodies are graphs. A body runs as a {@link Program} of its own, built for each
 * run of the body (each iteration) and closed after it: slow, but control flow is rare in the models Panamax runs,
 * and so no kernel holds memory between calls. The values a body reads from the enclosing graph come as extra inputs
 * of the node ({@link Graph#outerNames}).
 */
final class ControlFlow {
    private ControlFlow() {}

    /** Whether {@code n} is one of the control-flow operators this class runs. */
    static boolean handles(Node n) {
        return n.domain().isEmpty() && Set.of("If", "Loop", "Scan", "SequenceMap").contains(n.opType());
    }

    /** A body and the enclosing values it reads. */
    private record Body(GraphProto proto, List<String> outer, int opset) {
        static Body of(GraphProto g, int opset) {
            if (g == null) throw new IllegalArgumentException("a body graph attribute is missing");
            return new Body(g, Graph.outerNames(g), opset);
        }

        /** Runs the body on {@code inputs}, then its outer values from {@code scope}; the outputs belong to the caller's scope. */
        Tensor[] run(List<Tensor> inputs, Map<String, Object> scope) {
            Object[] out = runValues(new ArrayList<>(inputs), scope);
            Tensor[] t = new Tensor[out.length];
            for (int i = 0; i < t.length; i++) t[i] = Values.tensor(out[i], "body output " + i);
            return t;
        }

        /** {@link #run} for bodies whose values may be sequences or optionals. */
        Object[] runValues(List<Object> inputs, Map<String, Object> scope) {
            try (Graph g = Graph.body(proto, opset, outer); Program p = new Program(g); Session s = new Session(p)) {
                Object[] in = new Object[inputs.size() + outer.size()];
                for (int i = 0; i < inputs.size(); i++) in[i] = inputs.get(i);
                for (int i = 0; i < outer.size(); i++) in[inputs.size() + i] = scope.get(outer.get(i));
                return s.runValues(in);
            }
        }
    }

    static Kernel create(Node node, int opset) {
        try {
            return kernel(node, opset);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(node.describe()) ? e : new IllegalArgumentException(node.describe() + ": " + e.getMessage(), e);
        }
    }

    private static Kernel kernel(Node node, int opset) {
        Attributes a = node.attributes();
        Kernel k = switch (node.opType()) {
            case "If" -> ifKernel(node, Body.of(a.g("then_branch"), opset), Body.of(a.g("else_branch"), opset));
            case "Loop" -> loop(node, Body.of(a.g("body"), opset));
            case "SequenceMap" -> sequenceMap(node, Body.of(a.g("body"), opset));
            default -> scan(node, Body.of(a.g("body"), opset), opset);
        };
        List<String> unread = a.unread();
        if (!unread.isEmpty()) throw new IllegalArgumentException(node.describe() + ": attributes " + unread + " not supported");
        return k;
    }

    /** How many of the node's inputs are its own (the rest are enclosing values its bodies read). */
    private static int own(Node node, Body... bodies) {
        java.util.LinkedHashSet<String> outer = new java.util.LinkedHashSet<>();
        for (Body b : bodies) outer.addAll(b.outer());
        return node.inputs().size() - outer.size();
    }

    /** The enclosing values by name: the inputs after the node's own. */
    private static Map<String, Object> scope(Node node, Object[] in, int own) {
        Map<String, Object> m = new HashMap<>();
        for (int i = own; i < in.length; i++) m.put(node.inputs().get(i), in[i]);
        return m;
    }

    private static Kernel ifKernel(Node node, Body then, Body otherwise) {
        int own = own(node, then, otherwise);
        return (ValueKernel) in -> {
            boolean cond = Values.tensor(in[0], "If's condition").toLongArray()[0] != 0;
            return (cond ? then : otherwise).runValues(List.of(), scope(node, in, own));
        };
    }

    /** The loop-carried values may be sequences or optionals; the scan outputs are tensors, stacked. */
    private static Kernel loop(Node node, Body body) {
        int own = own(node, body);
        return (ValueKernel) in -> {
            Map<String, Object> scope = scope(node, in, own);
            long max = in[0] == null ? Long.MAX_VALUE : Values.tensor(in[0], "Loop's M").toLongArray()[0];
            boolean cond = in.length < 2 || in[1] == null || Values.tensor(in[1], "Loop's cond").toLongArray()[0] != 0;
            int carried = own - 2;
            Object[] state = new Object[carried];
            for (int i = 0; i < carried; i++) state[i] = Values.copy(in[2 + i]);
            List<List<Tensor>> scans = new ArrayList<>();
            try {
                for (long it = 0; it < max && cond; it++) {
                    List<Object> args = new ArrayList<>();
                    try (Tensor iter = Tensor.of(new long[] {it}); Tensor i0 = iter.reshape(); Tensor c = Tensor.ofBytes(new byte[] {1})) {
                        try (Tensor c0 = c.reshape()) {
                            args.add(i0);
                            args.add(c0);
                            args.addAll(Arrays.asList(state));
                            Object[] out = body.runValues(args, scope);
                            cond = Values.tensor(out[0], "Loop body's cond").toLongArray()[0] != 0;
                            Values.close(out[0]);
                            for (int i = 0; i < carried; i++) {
                                Values.close(state[i]);
                                state[i] = out[1 + i];
                            }
                            for (int i = 1 + carried; i < out.length; i++) {
                                while (scans.size() <= i - 1 - carried) scans.add(new ArrayList<>());
                                scans.get(i - 1 - carried).add(Values.tensor(out[i], "Loop's scan output"));
                            }
                        }
                    }
                }
                Object[] result = new Object[carried + scans.size()];
                System.arraycopy(state, 0, result, 0, carried);
                for (int i = 0; i < scans.size(); i++) result[carried + i] = Tensor.stack(0, scans.get(i).toArray(Tensor[]::new));
                return result;
            } finally {
                for (List<Tensor> l : scans) l.forEach(Tensor::close);
            }
        };
    }

    /**
     * SequenceMap: the body once per item of the first input sequence, given the items at that position of every
     * sequence input and the tensor inputs whole; each body output collected into a sequence.
     */
    private static Kernel sequenceMap(Node node, Body body) {
        int own = own(node, body);
        return (ValueKernel) in -> {
            Map<String, Object> scope = scope(node, in, own);
            if (!(in[0] instanceof Sequence first)) throw new IllegalArgumentException("SequenceMap's first input must be a sequence, not " + Values.kind(in[0]));
            int n = first.items().size();
            List<List<Object>> outs = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    List<Object> args = new ArrayList<>();
                    for (int j = 0; j < own; j++) {
                        if (in[j] instanceof Sequence s && s.items().size() != n) {
                            throw new IllegalArgumentException("SequenceMap's sequences differ in length: " + n + " and " + s.items().size());
                        }
                        args.add(in[j] instanceof Sequence s ? s.items().get(i) : in[j]);
                    }
                    Object[] out = body.runValues(args, scope);
                    for (int j = 0; j < out.length; j++) {
                        while (outs.size() <= j) outs.add(new ArrayList<>());
                        outs.get(j).add(out[j]);
                    }
                }
            } catch (RuntimeException e) {
                outs.forEach(l -> l.forEach(Values::close));
                throw e;
            }
            Object[] result = new Object[Math.max(outs.size(), node.outputs().size())];
            for (int j = 0; j < result.length; j++) result[j] = new Sequence(j < outs.size() ? outs.get(j) : List.of());
            return result;
        };
    }

    private static Kernel scan(Node node, Body body, int opset) {
        Attributes a = node.attributes();
        int scanInputs = (int) a.i("num_scan_inputs", 0);
        long[] inAxes = a.ints("scan_input_axes"), outAxes = a.ints("scan_output_axes");
        long[] inDirs = a.ints(opset < 9 ? "directions" : "scan_input_directions"), outDirs = opset < 9 ? null : a.ints("scan_output_directions");
        if (outDirs != null && Arrays.stream(outDirs).anyMatch(d -> d != 0)) throw new IllegalArgumentException(node.describe() + ": reversed scan outputs are not supported");
        int own = own(node, body);
        return in -> {
            Map<String, Object> scope = scope(node, in, own);
            if (opset >= 9) return scan9(body, Arrays.copyOf(in, own), scanInputs, inAxes, inDirs, outAxes, scope);
            // Opset 8: a batch axis first (and an optional sequence_lens input, here only all-full sequences).
            if (in[0] != null) throw new IllegalArgumentException("Scan's sequence_lens is not supported");
            Tensor[] rest = Arrays.copyOfRange(in, 1, own);
            long batch = rest[0].dim(0);
            List<Tensor[]> perBatch = new ArrayList<>();
            try {
                for (long b = 0; b < batch; b++) {
                    Tensor[] slice = new Tensor[rest.length];
                    try {
                        for (int i = 0; i < rest.length; i++) slice[i] = rest[i].select(0, b);
                        perBatch.add(scan9(body, slice, scanInputs, null, inDirs, null, scope));
                    } finally {
                        for (Tensor t : slice) if (t != null) t.close();
                    }
                }
                Tensor[] out = new Tensor[perBatch.getFirst().length];
                for (int j = 0; j < out.length; j++) {
                    final int jj = j;
                    out[j] = Tensor.stack(0, perBatch.stream().map(r -> r[jj]).toArray(Tensor[]::new));
                }
                return out;
            } finally {
                for (Tensor[] r : perBatch) for (Tensor t : r) t.close();
            }
        };
    }

    private static Tensor[] scan9(Body body, Tensor[] in, int scanInputs, long[] inAxes, long[] inDirs, long[] outAxes, Map<String, Object> scope) {
        int states = in.length - scanInputs;
        Tensor[] state = new Tensor[states];
        for (int i = 0; i < states; i++) state[i] = in[i].copy();
        int[] axis = new int[scanInputs];
        for (int i = 0; i < scanInputs; i++) {
            long ax = inAxes == null ? 0 : inAxes[i];
            axis[i] = (int) (ax < 0 ? ax + in[states + i].rank() : ax);
        }
        long steps = scanInputs == 0 ? 0 : in[states].dim(axis[0]);
        List<List<Tensor>> scans = new ArrayList<>();
        try {
            for (long t = 0; t < steps; t++) {
                List<Tensor> args = new ArrayList<>(Arrays.asList(state));
                List<Tensor> slices = new ArrayList<>();
                try {
                    for (int i = 0; i < scanInputs; i++) {
                        boolean back = inDirs != null && inDirs[i] != 0;
                        slices.add(in[states + i].select(axis[i], back ? steps - 1 - t : t));
                    }
                    args.addAll(slices);
                    Tensor[] out = body.run(args, scope);
                    for (int i = 0; i < states; i++) {
                        state[i].close();
                        state[i] = out[i];
                    }
                    for (int i = states; i < out.length; i++) {
                        while (scans.size() <= i - states) scans.add(new ArrayList<>());
                        scans.get(i - states).add(out[i]);
                    }
                } finally {
                    slices.forEach(Tensor::close);
                }
            }
            Tensor[] result = new Tensor[states + scans.size()];
            System.arraycopy(state, 0, result, 0, states);
            for (int i = 0; i < scans.size(); i++) {
                int ax = outAxes == null ? 0 : (int) outAxes[i];
                result[states + i] = Tensor.stack(ax < 0 ? ax + scans.get(i).getFirst().rank() + 1 : ax, scans.get(i).toArray(Tensor[]::new));
            }
            return result;
        } finally {
            for (List<Tensor> l : scans) l.forEach(Tensor::close);
        }
    }
}
