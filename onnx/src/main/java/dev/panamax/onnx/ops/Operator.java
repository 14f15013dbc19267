package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Node;

/** How one ONNX operator type becomes a {@link Kernel}: reads (and so validates) the node's attributes for its opset. */
@FunctionalInterface
public interface Operator {
    /** The kernel for {@code node}; throws {@link IllegalArgumentException} naming the node for what it cannot do. */
    Kernel create(Node node, int opset);
}
