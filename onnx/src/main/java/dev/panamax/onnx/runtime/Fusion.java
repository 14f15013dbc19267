package dev.panamax.onnx.runtime;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.Node;
import dev.panamax.onnx.proto.OnnxProto.AttributeProto;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces the node patterns that exporters write for a dense layer, GELU, LayerNorm and attention with Panamax's
 * fused operators (domain {@link Node#PANAMAX}). A pattern is taken only when each value inside it has no reader
 * outside it and is not a graph output, and when its constants have the values the fused kernel assumes; anything
 * else is left as it was, so fusion never changes what the graph computes beyond float rounding.
 */
final class Fusion {
    private final List<Node> nodes;
    private final Map<String, Tensor> constants;
    private final Set<String> graphOutputs;
    private final Map<String, Node> producer = new HashMap<>();
    private final Map<String, List<Node>> readers = new HashMap<>();
    /** Pattern nodes to drop, and the fused node that takes the place of a pattern's last node. */
    private final Set<Node> dropped = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Node, Node> replacedBy = new IdentityHashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();

    private Fusion(List<Node> nodes, Map<String, Tensor> constants, Set<String> graphOutputs) {
        this.nodes = nodes;
        this.constants = constants;
        this.graphOutputs = graphOutputs;
        index();
    }

    /** The nodes with every recognised pattern fused; {@code counts} receives how many of each kind were. */
    static List<Node> apply(List<Node> nodes, Map<String, Tensor> constants, Set<String> graphOutputs, Map<String, Integer> counts) {
        List<Node> current = nodes;
        for (String kind : new String[] {"Linear", "Gelu", "LinearGelu", "LayerNorm", "Attention"}) {
            Fusion f = new Fusion(current, constants, graphOutputs);
            for (Node n : current) {
                if (f.dropped.contains(n)) continue;
                switch (kind) {
                    case "Linear" -> f.linear(n);
                    case "Gelu" -> f.gelu(n);
                    case "LinearGelu" -> f.linearGelu(n);
                    case "LayerNorm" -> f.layerNorm(n);
                    default -> f.attention(n);
                }
            }
            current = f.result();
            f.counts.forEach((k, v) -> counts.merge(k, v, Integer::sum));
        }
        counts.values().removeIf(v -> v == 0);
        return current;
    }

    private void index() {
        for (Node n : nodes) {
            for (String o : n.outputs()) producer.put(o, n);
            for (String i : n.inputs()) if (!i.isEmpty()) readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        }
    }

    private List<Node> result() {
        List<Node> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            Node r = replacedBy.get(n);
            if (r != null) out.add(r);
            else if (!dropped.contains(n)) out.add(n);
        }
        return out;
    }

    // ------------------------------------------------------------------ patterns

    /** {@code Add(MatMul(x, W), b)} with a constant matrix W and a constant vector b of W's width. */
    private void linear(Node add) {
        if (!is(add, "Add")) return;
        for (int side = 0; side < 2; side++) {
            Node mm = soleProducer(add.input(side), add);
            String b = add.input(1 - side);
            if (!is(mm, "MatMul")) continue;
            Tensor w = constants.get(mm.input(1)), bias = constants.get(b);
            if (w == null || bias == null || w.rank() != 2 || bias.rank() != 1 || bias.dim(0) != w.dim(1)) continue;
            replace(add, List.of(mm), fused("Linear", add, List.of(mm.input(0), mm.input(1), b)));
            return;
        }
    }

    /** {@code 0.5·x·(1 + erf(x/√2))} in the orders exporters write it. */
    private void gelu(Node erf) {
        if (!is(erf, "Erf")) return;
        Node scale = soleProducer(erf.input(0), erf);
        if (scale == null) return;
        String x;
        if (is(scale, "Div") && near(constant(scale.input(1)), Math.sqrt(2))) x = scale.input(0);
        else if (is(scale, "Mul") && near(constant(scale.input(1)), Math.sqrt(0.5))) x = scale.input(0);
        else return;
        Node plusOne = soleReader(erf.outputs().getFirst());
        if (!is(plusOne, "Add") || !near(constant(other(plusOne, erf.outputs().getFirst())), 1)) return;
        Node times = soleReader(plusOne.outputs().getFirst());
        if (!is(times, "Mul")) return;
        String partner = other(times, plusOne.outputs().getFirst());
        if (partner == null) return;
        if (partner.equals(x)) {  // (x·(1 + erf))·0.5
            Node half = soleReader(times.outputs().getFirst());
            if (!is(half, "Mul") || !near(constant(other(half, times.outputs().getFirst())), 0.5)) return;
            replace(half, List.of(scale, erf, plusOne, times), fused("Gelu", half, List.of(x)));
        } else {  // (0.5·x)·(1 + erf)
            Node halfX = soleProducer(partner, times);
            if (!is(halfX, "Mul") || !halfX.inputs().contains(x) || !near(constant(other(halfX, x)), 0.5)) return;
            replace(times, List.of(scale, erf, plusOne, halfX), fused("Gelu", times, List.of(x)));
        }
    }

    /** A fused dense layer whose only reader is a fused GELU: the bias and the GELU become one pass. */
    private void linearGelu(Node gelu) {
        if (!gelu.domain().equals(Node.PANAMAX) || !gelu.opType().equals("Gelu")) return;
        Node linear = soleProducer(gelu.input(0), gelu);
        if (linear == null || !linear.domain().equals(Node.PANAMAX) || !linear.opType().equals("Linear")) return;
        replace(gelu, List.of(linear), fused("LinearGelu", gelu, linear.inputs(), intAttr("tanh", gelu.attributes().i("tanh", 0))));
        counts.merge("Linear", -1, Integer::sum);  // the pair counts once, as LinearGelu
        counts.merge("Gelu", -1, Integer::sum);
    }

    /** {@code (x - mean(x))/sqrt(mean((x - mean(x))²) + eps)·γ + β} over the last axis. */
    private void layerNorm(Node mean) {
        if (!is(mean, "ReduceMean") || !lastAxis(mean)) return;
        String x = mean.input(0);
        Node sub = soleReader(mean.outputs().getFirst());
        if (!is(sub, "Sub") || !sub.input(0).equals(x) || !sub.input(1).equals(mean.outputs().getFirst())) return;
        List<Node> subReaders = readers.getOrDefault(sub.outputs().getFirst(), List.of());
        if (subReaders.size() != 2 || graphOutputs.contains(sub.outputs().getFirst())) return;
        Node pow = subReaders.stream().filter(n -> is(n, "Pow") || is(n, "Mul")).findFirst().orElse(null);
        Node div = subReaders.stream().filter(n -> is(n, "Div")).findFirst().orElse(null);
        if (pow == null || div == null || !div.input(0).equals(sub.outputs().getFirst())) return;
        boolean square = is(pow, "Pow") ? near(constant(pow.input(1)), 2) : pow.input(0).equals(pow.input(1));
        if (!square) return;
        Node var = soleReader(pow.outputs().getFirst());
        if (!is(var, "ReduceMean") || !lastAxis(var)) return;
        Node addEps = soleReader(var.outputs().getFirst());
        if (!is(addEps, "Add")) return;
        Tensor eps = constant(other(addEps, var.outputs().getFirst()));
        if (eps == null || eps.numel() != 1) return;
        Node sqrt = soleReader(addEps.outputs().getFirst());
        if (!is(sqrt, "Sqrt") || soleReader(sqrt.outputs().getFirst()) != div || !div.input(1).equals(sqrt.outputs().getFirst())) return;
        Node mul = soleReader(div.outputs().getFirst());
        if (!is(mul, "Mul")) return;
        String gamma = other(mul, div.outputs().getFirst());
        Node add = soleReader(mul.outputs().getFirst());
        if (!is(add, "Add")) return;
        String beta = other(add, mul.outputs().getFirst());
        Tensor g = constant(gamma), b = constant(beta);
        if (g == null || b == null || g.rank() != 1 || b.rank() != 1 || g.dim(0) != b.dim(0)) return;
        Node ln = fused("LayerNorm", add, List.of(x, gamma, beta), floatAttr("epsilon", (float) eps.toDoubleArray()[0]));
        replace(add, List.of(mean, sub, pow, var, addEps, sqrt, div, mul), ln);
    }

    /**
     * {@code Transpose(softmax(scale·(q·kᵀ) [+ mask])·v)} with q, k, v reshaped to heads by {@code Transpose}
     * views: the form BERT-style exporters write.
     */
    private void attention(Node softmax) {
        if (!is(softmax, "Softmax") || !(softmax.attributes().i("axis", -1) == -1 || softmax.attributes().i("axis", -1) == 3)) return;
        String in = softmax.input(0);
        Node add = soleProducer(in, softmax);
        String mask = null;
        Node scaled = add;
        List<Node> pattern = new ArrayList<>();
        if (is(add, "Add")) {
            for (int side = 0; side < 2; side++) {
                Node p = soleProducer(add.input(side), add);
                if (is(p, "Div") || is(p, "Mul") || is(p, "MatMul")) {
                    scaled = p;
                    mask = add.input(1 - side);
                    break;
                }
            }
            if (mask == null) return;
            pattern.add(add);
        }
        double scale = 1;
        Node qk = scaled;
        if (is(scaled, "Div") || is(scaled, "Mul")) {
            Tensor c = constant(scaled.input(1));
            if (c == null || c.numel() != 1) return;
            double v = c.toDoubleArray()[0];
            scale = is(scaled, "Div") ? 1 / v : v;
            pattern.add(scaled);
            qk = soleProducer(scaled.input(0), scaled);
        }
        if (!is(qk, "MatMul")) return;
        Node qT = producer.get(qk.input(0)), kT = producer.get(qk.input(1));
        if (!transpose(qT, 0, 2, 1, 3) || !transpose(kT, 0, 2, 3, 1)) return;
        Node pv = soleReader(softmax.outputs().getFirst());
        if (!is(pv, "MatMul") || !pv.input(0).equals(softmax.outputs().getFirst())) return;
        Node vT = producer.get(pv.input(1));
        if (!transpose(vT, 0, 2, 1, 3)) return;
        Node last = pv;
        boolean headsLast = false;
        Node outT = soleReader(pv.outputs().getFirst());
        if (transpose(outT, 0, 2, 1, 3) && !graphOutputs.contains(pv.outputs().getFirst())) {
            last = outT;
            headsLast = true;
            pattern.add(pv);
        }
        pattern.add(qk);
        pattern.add(softmax);
        List<String> inputs = new ArrayList<>(List.of(qT.input(0), kT.input(0), vT.input(0)));
        if (mask != null) inputs.add(mask);
        replace(last, pattern, fused("Attention", last, inputs, floatAttr("scale", (float) scale), intAttr("heads_last", headsLast ? 1 : 0)));
    }

    // ------------------------------------------------------------------ helpers

    private static boolean is(Node n, String op) {
        return n != null && n.domain().isEmpty() && n.opType().equals(op);
    }

    private static boolean transpose(Node n, long... perm) {
        return is(n, "Transpose") && Arrays.equals(n.attributes().ints("perm"), perm);
    }

    private boolean lastAxis(Node reduce) {
        long[] axes = reduce.attributes().ints("axes");
        return axes != null && axes.length == 1 && axes[0] == -1 && reduce.attributes().i("keepdims", 1) == 1 && reduce.inputs().size() == 1;
    }

    /** The node that produces {@code value}, when {@code reader} is its only reader and it is not a graph output. */
    private Node soleProducer(String value, Node reader) {
        List<Node> r = readers.get(value);
        if (r == null || r.size() != 1 || r.getFirst() != reader || graphOutputs.contains(value)) return null;
        Node p = producer.get(value);
        return p == null || dropped.contains(p) || p.outputs().size() != 1 ? null : p;
    }

    /** The only node reading {@code value}, or null (several readers, none, or a graph output). */
    private Node soleReader(String value) {
        List<Node> r = readers.get(value);
        if (r == null || r.size() != 1 || graphOutputs.contains(value)) return null;
        return dropped.contains(r.getFirst()) ? null : r.getFirst();
    }

    /** The input of binary {@code n} that is not {@code known}, or null. */
    private static String other(Node n, String known) {
        if (n.inputs().size() != 2) return null;
        if (n.input(0).equals(known)) return n.input(1);
        if (n.input(1).equals(known)) return n.input(0);
        return null;
    }

    private Tensor constant(String name) {
        return name == null ? null : constants.get(name);
    }

    private static boolean near(Tensor c, double v) {
        return c != null && c.numel() == 1 && c.dtype().isFloating() && Math.abs(c.toDoubleArray()[0] - v) <= 1e-6 * Math.max(1, Math.abs(v));
    }

    private void replace(Node last, List<Node> others, Node fused) {
        dropped.addAll(others);
        dropped.add(last);
        replacedBy.put(last, fused);
        counts.merge(fused.opType(), 1, Integer::sum);
    }

    private static Node fused(String op, Node last, List<String> inputs, AttributeProto... attrs) {
        String name = last.name().isEmpty() ? last.outputs().getFirst() : last.name();
        Node n = new Node(name, op, Node.PANAMAX, inputs, last.outputs(), null);
        return new Node(n.name(), op, Node.PANAMAX, inputs, last.outputs(), new Attributes(n.describe(), List.of(attrs)));
    }

    private static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    /** Only the nodes that some graph output depends on, in order. */
    static List<Node> live(List<Node> nodes, Set<String> graphOutputs) {
        Set<String> needed = new HashSet<>(graphOutputs);
        boolean[] keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().stream().anyMatch(needed::contains)) {
                keep[i] = true;
                for (String in : n.inputs()) if (!in.isEmpty()) needed.add(in);
            }
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) if (keep[i]) out.add(nodes.get(i));
        return out;
    }
}
