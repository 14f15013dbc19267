package dev.panamax.nn.transformer;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;

/** GPT-2's initialisation: weights from N(0, std²), biases zero, norms' scales one. */
final class GptInit {
    private GptInit() {}

    static Tensor normal(Rng rng, double std, long... shape) {
        return Tensor.normal(rng, 0, std, DType.F32, shape);
    }

    static Tensor zeros(long... shape) {
        return Tensor.zeros(DType.F32, shape);
    }
}
