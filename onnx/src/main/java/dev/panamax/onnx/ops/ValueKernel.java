package dev.panamax.onnx.ops;

import dev.panamax.tensors.Tensor;

/**
 * A kernel whose inputs or outputs may be values other than numeric tensors: {@link StringTensor}s,
 * {@link Sequence}s and {@link OptionalValue}s (and {@code Tensor}s). Its outputs are new values, never its inputs
 * or parts of them.
 */
@FunctionalInterface
public interface ValueKernel extends Kernel {
    /** Computes the node's outputs from its inputs (null for an omitted one). */
    Object[] runValues(Object[] in);

    @Override
    default Tensor[] run(Tensor[] in) {
        Object[] out = runValues(in);
        Tensor[] t = new Tensor[out.length];
        for (int i = 0; i < out.length; i++) t[i] = Values.tensor(out[i], "output " + i);
        return t;
    }
}
