package dev.panamax.onnx.graph;

import java.util.List;

/**
 * One operator application of the graph. {@code inputs} may hold empty names: ONNX's way of leaving an optional
 * input out. {@code domain} is "" for the standard operators; Panamax's fused operators use {@link #PANAMAX}.
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs, Attributes attributes) {
    /** The domain of the fused operators the importer substitutes for recognised patterns. */
    public static final String PANAMAX = "dev.panamax";

    /** {@code "node 'name' (OpType)"}, the prefix of every error about this node. */
    public String describe() {
        return "node '" + (name.isEmpty() ? outputs.isEmpty() ? "?" : outputs.getFirst() : name) + "' ("
                + (domain.isEmpty() ? "" : domain + ".") + opType + ")";
    }

    /** The {@code i}-th input's name, or "" when absent. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }
}
