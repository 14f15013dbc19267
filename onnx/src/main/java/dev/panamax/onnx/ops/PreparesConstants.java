package dev.panamax.onnx.ops;

import dev.panamax.tensors.Tensor;

/**
 * A kernel that can prepare its constant inputs once, when the program is built, instead of on every call: a dense
 * layer hands its weight matrix to the backend to keep in the GEMM's own layout. The prepared kernel is again
 * stateless after that, so the thread-safety of {@link Kernel} holds.
 */
public interface PreparesConstants {
    /**
     * A kernel that computes what this one does, given that input {@code i} is always {@code constants[i]} where that is
     * not null (the graph's initializers and constants, which outlive the kernel).
     */
    Kernel prepare(Tensor[] constants);
}
