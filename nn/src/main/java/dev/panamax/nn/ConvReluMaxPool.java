package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.loss.Loss;
import java.util.List;

/**
 * A ReLU convolution followed by max pooling runs as conv → pool → bias+ReLU: bias and ReLU are monotonic per
 * channel, so max(relu(x + b)) = relu(max(x) + b), exactly, and the gradient is the same too (ReLU's mask at each
 * window's maximum is the pooled output's); the epilogue then touches a quarter of the memory, which is most of
 * a small CNN's non-GEMM time. The convolution and the pooling run as one op, block by block, so the full-size
 * convolution output never reaches memory.
 */
final class ConvReluMaxPool implements FusionRule {
    @Override
    public Rewrite match(List<Layer> layers, int at, Loss loss) {
        if (at + 1 < layers.size() && layers.get(at) instanceof Conv2D conv && conv.activation().equalsIgnoreCase("relu")
                && layers.get(at + 1) instanceof MaxPooling2D pool && pool.isMax()) {
            return new Inner((h, training, rng) -> F.biasRelu(conv.convolveAndPool(h, pool), conv.bias()), 2);
        }
        return null;
    }
}
