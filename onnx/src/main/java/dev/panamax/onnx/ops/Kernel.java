package dev.panamax.onnx.ops;

import dev.panamax.tensors.Tensor;

/**
 * One node, ready to run: its attributes were read when it was created. {@code in} holds the node's inputs in
 * order, null for an omitted optional one; the result holds its outputs. Kernels keep no state between calls, so
 * one instance serves every thread.
 */
@FunctionalInterface
public interface Kernel {
    /** Computes the node's outputs. */
    Tensor[] run(Tensor[] in);
}
