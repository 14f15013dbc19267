package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * The activations with parameters, composed from elementwise primitives: LeakyRelu, Elu, HardSigmoid and Clip
 * (bounds as attributes before opset 11, as optional inputs from it on).
 */
final class Activations {
    private Activations() {}

    static void register(Map<String, Operator> ops) {
        ops.put("LeakyRelu", (node, opset) -> {
            double alpha = node.attributes().f("alpha", 0.01f);
            return in -> new Tensor[] {leakyRelu(in[0], alpha)};
        });
        ops.put("Elu", (node, opset) -> {
            double alpha = node.attributes().f("alpha", 1f);
            return in -> new Tensor[] {elu(in[0], alpha)};
        });
        ops.put("HardSigmoid", (node, opset) -> {
            Attributes a = node.attributes();
            double alpha = a.f("alpha", 0.2f), beta = a.f("beta", 0.5f);
            return in -> {
                try (Tensor ax = in[0].mul(alpha); Tensor axb = ax.add(beta)) {
                    return new Tensor[] {clip(axb, 0, 1)};
                }
            };
        });
        ops.put("Clip", (node, opset) -> {
            if (opset < 11) {
                double lo = node.attributes().f("min", -Float.MAX_VALUE), hi = node.attributes().f("max", Float.MAX_VALUE);
                return in -> new Tensor[] {clip(in[0], lo, hi)};
            }
            return in -> new Tensor[] {clip(in[0], bound(in, 1, Double.NEGATIVE_INFINITY), bound(in, 2, Double.POSITIVE_INFINITY))};
        });
    }

    /** {@code x} for {@code x ≥ 0}, {@code alpha·x} below: {@code max(x, 0) + alpha·min(x, 0)}, exact in floating point. */
    static Tensor leakyRelu(Tensor x, double alpha) {
        try (Tensor pos = x.maximum(0); Tensor neg = x.minimum(0); Tensor scaled = neg.mul(alpha)) {
            return pos.add(scaled);
        }
    }

    /** {@code x} for {@code x ≥ 0}, {@code alpha·(eˣ − 1)} below. */
    static Tensor elu(Tensor x, double alpha) {
        try (Tensor pos = x.maximum(0); Tensor neg = x.minimum(0); Tensor e = neg.expm1(); Tensor scaled = e.mul(alpha)) {
            return pos.add(scaled);
        }
    }

    /** {@code min(max(x, lo), hi)}: with {@code lo > hi} every value becomes {@code hi}, as ONNX specifies. */
    static Tensor clip(Tensor x, double lo, double hi) {
        boolean low = lo != Double.NEGATIVE_INFINITY, high = hi != Double.POSITIVE_INFINITY;
        if (!low && !high) return Shapes.same(x);
        if (!high) return x.maximum(lo);
        if (!low) return x.minimum(hi);
        try (Tensor m = x.maximum(lo)) {
            return m.minimum(hi);
        }
    }

    /** Clip's optional bound input {@code i}, or {@code fallback} when it is omitted. */
    private static double bound(Tensor[] in, int i, double fallback) {
        return in.length > i && in[i] != null ? Args.scalar(in[i], i == 1 ? "Clip min" : "Clip max") : fallback;
    }
}
