package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Node;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The operators the importer knows, by domain and type, and the one place that turns a node into a kernel. */
public final class Operators {
    private static final Map<String, Operator> STANDARD = new TreeMap<>(), PANAMAX = new TreeMap<>();

    static {
        Elementwise.register(STANDARD);
        Shapes.register(STANDARD);
        Reductions.register(STANDARD);
        LinearAlgebra.register(STANDARD);
        Normalizations.register(STANDARD);
        Convolutions.register(STANDARD);
        Pooling.register(STANDARD);
        Activations.register(STANDARD);
        MathOps.register(STANDARD);
        Logical.register(STANDARD);
        AlongAxis.register(STANDARD);
        Losses.register(STANDARD);
        Indexing.register(STANDARD);
        Layout.register(STANDARD);
        Quantization.register(STANDARD);
        Resize.register(STANDARD);
        ConvTranspose.register(STANDARD);
        Signals.register(STANDARD);
        LocalNorms.register(STANDARD);
        Einsum.register(STANDARD);
        Detection.register(STANDARD);
        Recurrent.register(STANDARD);
        GridSample.register(STANDARD);
        IntegerOps.register(STANDARD);
        Spectral.register(STANDARD);
        Regions.register(STANDARD);
        Text.register(STANDARD);
        SequenceOps.register(STANDARD);
        StringNormalizer.register(STANDARD);
        Fused.register(PANAMAX);
    }

    private Operators() {}

    /** The kernel for {@code node}, or a one-line error naming the node and what is not supported. */
    public static Kernel create(Node node, int opset) {
        Map<String, Operator> table = node.domain().isEmpty() ? STANDARD : node.domain().equals(Node.PANAMAX) ? PANAMAX : null;
        if (table == null) {
            throw new IllegalArgumentException(node.describe() + ": operator domain '" + node.domain()
                    + "' is not supported (Panamax imports the standard ai.onnx operators)");
        }
        Operator op = table.get(node.opType());
        if (op == null) {
            throw new IllegalArgumentException(node.describe() + ": operator " + node.opType() + " is not supported by Panamax's ONNX importer"
                    + " (the supported ones: Operators.supported())");
        }
        Kernel k = op.create(node, opset);
        List<String> unread = node.attributes().unread();
        if (!unread.isEmpty()) {
            throw new IllegalArgumentException(node.describe() + ": attribute" + (unread.size() > 1 ? "s " : " ") + String.join(", ", unread)
                    + " not supported");
        }
        return k;
    }

    /** The standard operator types the importer maps, sorted. */
    public static TreeSet<String> supported() {
        TreeSet<String> s = new TreeSet<>(STANDARD.keySet());
        s.add("Constant");
        return s;
    }
}
