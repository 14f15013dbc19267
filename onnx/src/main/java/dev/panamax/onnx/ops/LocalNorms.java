package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * InstanceNormalization (each image's channel over its pixels), MeanVarianceNormalization (over chosen axes) and
 * LRN (across neighbouring channels), composed from reductions and elementwise kernels where they can be, and a
 * reference loop for LRN's channel window.
 */
final class LocalNorms {
    private LocalNorms() {}

    static void register(Map<String, Operator> ops) {
        ops.put("InstanceNormalization", (node, opset) -> {
            double eps = node.attributes().f("epsilon", 1e-5f);
            return in -> {
                Tensor x = in[0];
                int[] axes = new int[x.rank() - 2];
                for (int i = 0; i < axes.length; i++) axes[i] = i + 2;
                long[] perChannel = new long[x.rank() - 1];
                java.util.Arrays.fill(perChannel, 1);
                perChannel[0] = x.dim(1);
                try (Tensor mean = x.mean(axes, true); Tensor var = x.var(axes, true, 0); Tensor d = x.sub(mean); Tensor ve = var.add(eps);
                     Tensor sd = ve.sqrt(); Tensor z = d.div(sd); Tensor s = in[1].reshape(perChannel); Tensor b = in[2].reshape(perChannel);
                     Tensor zs = z.mul(s)) {
                    return new Tensor[] {zs.add(b)};
                }
            };
        });
        ops.put("MeanVarianceNormalization", (node, opset) -> {
            long[] axesAttr = node.attributes().ints("axes");
            return in -> {
                Tensor x = in[0];
                int[] axes = Args.axes("MeanVarianceNormalization", axesAttr == null ? new long[] {0, 2, 3} : axesAttr, x.rank());
                // ONNX's definition: (x − E[x]) / (√(E[x²] − E[x]²) + 1e-9).
                try (Tensor mean = x.mean(axes, true); Tensor sq = x.square(); Tensor msq = sq.mean(axes, true); Tensor m2 = mean.square();
                     Tensor v = msq.sub(m2); Tensor sd = v.sqrt(); Tensor den = sd.add(1e-9); Tensor d = x.sub(mean)) {
                    return new Tensor[] {d.div(den)};
                }
            };
        });
        ops.put("LRN", (node, opset) -> {
            Attributes a = node.attributes();
            double alpha = a.f("alpha", 1e-4f), beta = a.f("beta", 0.75f), bias = a.f("bias", 1f);
            int size = (int) a.i("size", 0);
            if (size <= 0) throw new IllegalArgumentException(node.describe() + ": the 'size' attribute is required");
            return in -> new Tensor[] {lrn(in[0], size, alpha, beta, bias)};
        });
    }

    private static Tensor lrn(Tensor x, int size, double alpha, double beta, double bias) {
        long n = x.dim(0), c = x.dim(1), inner = x.numel() / Math.max(1, n * c);
        double[] v = x.toDoubleArray(), y = new double[v.length];
        int before = (size - 1) / 2, after = size - 1 - before;
        for (long b = 0; b < n; b++) {
            for (long ch = 0; ch < c; ch++) {
                for (long i = 0; i < inner; i++) {
                    double sum = 0;
                    for (long k = Math.max(0, ch - before); k <= Math.min(c - 1, ch + after); k++) {
                        double e = v[(int) ((b * c + k) * inner + i)];
                        sum += e * e;
                    }
                    int at = (int) ((b * c + ch) * inner + i);
                    y[at] = v[at] / Math.pow(bias + alpha / size * sum, beta);
                }
            }
        }
        return Ref.of(x.dtype(), y, x.shape());
    }
}
