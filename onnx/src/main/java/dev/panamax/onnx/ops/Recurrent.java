package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.Node;
import dev.panamax.tensors.Tensor;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * RNN, GRU and LSTM, forward, reverse or bidirectional, with either layout, per-sequence lengths, initial states,
 * LSTM peepholes and GRU's {@code linear_before_reset}: ONNX's equations step by step in double precision (a
 * reference loop, one time step and batch row at a time).
 */
final class Recurrent {
    private Recurrent() {}

    private enum Kind {
        RNN(1, "Tanh"), GRU(3, "Sigmoid", "Tanh"), LSTM(4, "Sigmoid", "Tanh", "Tanh");

        final int gates;
        final String[] defaults;

        Kind(int gates, String... defaults) {
            this.gates = gates;
            this.defaults = defaults;
        }
    }

    /** A node's settings, read when it loads. */
    private record Spec(Kind kind, int hidden, int dirs, boolean reverse, boolean batchFirst, DoubleUnaryOperator[] f, double clip,
            boolean linearBeforeReset) {
        static Spec read(Node node, Kind kind) {
            Attributes a = node.attributes();
            String direction = a.s("direction", "forward");
            int dirs = direction.equals("bidirectional") ? 2 : 1;
            String[] names = a.has("activations") ? strings(node) : null;
            float[] alpha = a.floats("activation_alpha"), beta = a.floats("activation_beta");
            if (alpha != null || beta != null) throw new IllegalArgumentException(node.describe() + ": activation_alpha/beta are not supported");
            DoubleUnaryOperator[] f = new DoubleUnaryOperator[kind.defaults.length * dirs];
            for (int i = 0; i < f.length; i++) f[i] = activation(node, names == null ? kind.defaults[i % kind.defaults.length] : names[i]);
            if (kind == Kind.LSTM && a.i("input_forget", 0) != 0) throw new IllegalArgumentException(node.describe() + ": input_forget=1 is not supported");
            return new Spec(kind, (int) a.i("hidden_size", 0), dirs, direction.equals("reverse"), a.i("layout", 0) != 0, f,
                    a.f("clip", Float.POSITIVE_INFINITY), kind == Kind.GRU && a.i("linear_before_reset", 0) != 0);
        }

        private static String[] strings(Node node) {
            throw new IllegalArgumentException(node.describe() + ": the 'activations' attribute is not supported (the defaults only)");
        }

        private static DoubleUnaryOperator activation(Node node, String name) {
            return switch (name) {
                case "Sigmoid" -> x -> 1 / (1 + Math.exp(-x));
                case "Tanh" -> Math::tanh;
                case "Relu" -> x -> Math.max(0, x);
                default -> throw new IllegalArgumentException(node.describe() + ": activation " + name + " is not supported");
            };
        }
    }

    static void register(Map<String, Operator> ops) {
        for (Kind k : Kind.values()) {
            ops.put(k.name(), (node, opset) -> {
                Spec spec = Spec.read(node, k);
                return in -> run(spec, in);
            });
        }
    }

    private static double[] values(Tensor[] in, int i) {
        return in.length > i && in[i] != null ? in[i].toDoubleArray() : null;
    }

    private static Tensor[] run(Spec s, Tensor[] in) {
        Tensor xt = in[0];
        long[] xs = xt.shape();
        int seq = (int) (s.batchFirst() ? xs[1] : xs[0]), batch = (int) (s.batchFirst() ? xs[0] : xs[1]), inSize = (int) xs[2];
        int h = s.hidden() > 0 ? s.hidden() : (int) (in[2].dim(1) / s.kind().gates), g = s.kind().gates;
        double[] x = xt.toDoubleArray(), w = in[1].toDoubleArray(), r = in[2].toDoubleArray(), b = values(in, 3), h0 = values(in, 5);
        double[] c0 = s.kind() == Kind.LSTM ? values(in, 6) : null, p = s.kind() == Kind.LSTM ? values(in, 7) : null;
        long[] lens = in.length > 4 && in[4] != null ? in[4].toLongArray() : null;
        double[] y = new double[seq * s.dirs() * batch * h], yh = new double[s.dirs() * batch * h], yc = new double[s.dirs() * batch * h];
        for (int d = 0; d < s.dirs(); d++) {
            boolean back = s.reverse() || d == 1;
            for (int n = 0; n < batch; n++) {
                double[] hp = new double[h], cp = new double[h];
                for (int j = 0; j < h; j++) {
                    hp[j] = h0 == null ? 0 : h0[(d * batch + n) * h + j];
                    cp[j] = c0 == null ? 0 : c0[(d * batch + n) * h + j];
                }
                int len = lens == null ? seq : (int) lens[n];
                for (int step = 0; step < len; step++) {
                    int t = back ? len - 1 - step : step;
                    double[] xw = new double[g * h], hr = new double[g * h];
                    for (int q = 0; q < g * h; q++) {
                        double acc = b == null ? 0 : b[d * 2 * g * h + q];
                        int xo = s.batchFirst() ? (n * seq + t) * inSize : (t * batch + n) * inSize;
                        for (int k = 0; k < inSize; k++) acc += x[xo + k] * w[(d * g * h + q) * inSize + k];
                        xw[q] = acc;
                        double acc2 = b == null ? 0 : b[d * 2 * g * h + g * h + q];
                        for (int k = 0; k < h; k++) acc2 += hp[k] * r[(d * g * h + q) * h + k];
                        hr[q] = acc2;
                    }
                    double[] hn = new double[h];
                    step(s, d, h, xw, hr, hp, cp, hn, r, b, p);
                    hp = hn;
                    for (int j = 0; j < h; j++) {
                        int yo = s.batchFirst() ? ((n * seq + t) * s.dirs() + d) * h + j : ((t * s.dirs() + d) * batch + n) * h + j;
                        y[yo] = hp[j];
                    }
                }
                for (int j = 0; j < h; j++) {
                    int o = s.batchFirst() ? (n * s.dirs() + d) * h + j : (d * batch + n) * h + j;
                    yh[o] = hp[j];
                    yc[o] = cp[j];
                }
            }
        }
        long[] yShape = s.batchFirst() ? new long[] {batch, seq, s.dirs(), h} : new long[] {seq, s.dirs(), batch, h};
        long[] hShape = s.batchFirst() ? new long[] {batch, s.dirs(), h} : new long[] {s.dirs(), batch, h};
        Tensor[] out = {Ref.of(xt.dtype(), y, yShape), Ref.of(xt.dtype(), yh, hShape), null};
        if (s.kind() != Kind.LSTM) return new Tensor[] {out[0], out[1]};
        out[2] = Ref.of(xt.dtype(), yc, hShape);
        return out;
    }

    private static double clip(Spec s, double v) {
        return Math.clamp(v, -s.clip(), s.clip());
    }

    /** One cell update: {@code xw} and {@code hr} are the input's and the state's gate pre-activations (biases included). */
    private static void step(Spec s, int d, int h, double[] xw, double[] hr, double[] hp, double[] cp, double[] hn, double[] r, double[] b,
            double[] p) {
        DoubleUnaryOperator[] f = s.f();
        switch (s.kind()) {
            case RNN -> {
                for (int j = 0; j < h; j++) hn[j] = f[d].applyAsDouble(clip(s, xw[j] + hr[j]));
            }
            case GRU -> {
                DoubleUnaryOperator fz = f[d * 2], fh = f[d * 2 + 1];
                double[] z = new double[h], rt = new double[h];
                for (int j = 0; j < h; j++) {
                    z[j] = fz.applyAsDouble(clip(s, xw[j] + hr[j]));
                    rt[j] = fz.applyAsDouble(clip(s, xw[h + j] + hr[h + j]));
                }
                for (int j = 0; j < h; j++) {
                    double cand;
                    if (s.linearBeforeReset()) {
                        cand = xw[2 * h + j] + rt[j] * hr[2 * h + j];
                    } else {
                        // (r ⊙ H) Rh + Rbh: the state is reset before the product.
                        double acc = b == null ? 0 : b[d * 6 * h + 3 * h + 2 * h + j];
                        for (int k = 0; k < h; k++) acc += rt[k] * hp[k] * r[(d * 3 * h + 2 * h + j) * h + k];
                        cand = xw[2 * h + j] + acc;
                    }
                    double ht = fh.applyAsDouble(clip(s, cand));
                    hn[j] = (1 - z[j]) * ht + z[j] * hp[j];
                }
            }
            case LSTM -> {
                DoubleUnaryOperator ff = f[d * 3], fg = f[d * 3 + 1], fh = f[d * 3 + 2];
                for (int j = 0; j < h; j++) {
                    double pi = p == null ? 0 : p[d * 3 * h + j], po = p == null ? 0 : p[d * 3 * h + h + j], pf = p == null ? 0 : p[d * 3 * h + 2 * h + j];
                    double i = ff.applyAsDouble(clip(s, xw[j] + hr[j] + pi * cp[j]));
                    double fo = ff.applyAsDouble(clip(s, xw[2 * h + j] + hr[2 * h + j] + pf * cp[j]));
                    double c = fg.applyAsDouble(clip(s, xw[3 * h + j] + hr[3 * h + j]));
                    double cn = fo * cp[j] + i * c;
                    double o = ff.applyAsDouble(clip(s, xw[h + j] + hr[h + j] + po * cn));
                    cp[j] = cn;
                    hn[j] = o * fh.applyAsDouble(cn);
                }
            }
        }
    }
}
