package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.Node;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss over {@code (N, C, d1, ...)} scores with {@code (N, d1, ...)}
 * class labels, optional per-class weights and an ignored label; reduced by {@code none}, {@code sum} or a
 * {@code mean} weighted as ONNX specifies (the sum over the weights of the labels that count).
 */
final class Losses {
    private Losses() {}

    /** The attributes both losses share. */
    private record Spec(String reduction, Long ignore) {
        static Spec read(Node node) {
            Attributes a = node.attributes();
            String r = a.s("reduction", "mean");
            if (!r.equals("mean") && !r.equals("sum") && !r.equals("none")) {
                throw new IllegalArgumentException(node.describe() + ": reduction '" + r + "' is not supported (none, sum, mean)");
            }
            return new Spec(r, a.has("ignore_index") ? a.i("ignore_index", 0) : null);
        }
    }

    static void register(Map<String, Operator> ops) {
        ops.put("NegativeLogLikelihoodLoss", (node, opset) -> {
            Spec spec = Spec.read(node);
            return in -> new Tensor[] {nll(in[0], in[0].toDoubleArray(), in[1], in.length > 2 ? in[2] : null, spec)};
        });
        ops.put("SoftmaxCrossEntropyLoss", (node, opset) -> {
            Spec spec = Spec.read(node);
            return in -> {
                double[] logProb = logSoftmax(in[0]);
                Tensor loss = nll(in[0], logProb, in[1], in.length > 2 ? in[2] : null, spec);
                return new Tensor[] {loss, Ref.of(in[0].dtype(), logProb, in[0].shape())};
            };
        });
    }

    /** {@code log softmax} over axis 1 of {@code (N, C, ...)}. */
    private static double[] logSoftmax(Tensor x) {
        long[] s = x.shape();
        int n = (int) s[0], c = (int) s[1];
        int inner = (int) (x.numel() / Math.max(1, (long) n * c));
        double[] v = x.toDoubleArray();
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < inner; i++) {
                double m = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < c; k++) m = Math.max(m, v[(b * c + k) * inner + i]);
                for (int k = 0; k < c; k++) sum += Math.exp(v[(b * c + k) * inner + i] - m);
                double lse = m + Math.log(sum);
                for (int k = 0; k < c; k++) v[(b * c + k) * inner + i] -= lse;
            }
        }
        return v;
    }

    /** The loss of log-probabilities {@code logProb} (shaped as {@code x}) against {@code target}. */
    private static Tensor nll(Tensor x, double[] logProb, Tensor target, Tensor weight, Spec spec) {
        long[] s = x.shape();
        int n = (int) s[0], c = (int) s[1];
        int inner = (int) (x.numel() / Math.max(1, (long) n * c));
        long[] t = target.toLongArray();
        double[] w = weight == null ? null : weight.toDoubleArray();
        double[] loss = new double[n * inner];
        double total = 0, weights = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < inner; i++) {
                long k = t[b * inner + i];
                if (spec.ignore() != null && k == spec.ignore()) continue;
                if (k < 0 || k >= c) throw new IllegalArgumentException("target " + k + " is out of range for " + c + " classes");
                double wk = w == null ? 1 : w[(int) k];
                loss[b * inner + i] = -logProb[(int) ((b * c + k) * inner + i)] * wk;
                total += loss[b * inner + i];
                weights += wk;
            }
        }
        return switch (spec.reduction()) {
            case "none" -> Ref.of(x.dtype(), loss, target.shape());
            case "sum" -> Ref.of(x.dtype(), new double[] {total});
            default -> Ref.of(x.dtype(), new double[] {total / weights});
        };
    }
}
