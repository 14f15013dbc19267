package dev.panamax.onnx.ops;

import java.util.List;

/**
 * An ONNX sequence: an ordered list of tensors ({@code Tensor} or {@link StringTensor}) that it owns. Operators
 * never share items between sequences: each makes its own copies, so closing one never touches another.
 */
public record Sequence(List<Object> items) {
    public Sequence {
        items = List.copyOf(items);
    }
}
