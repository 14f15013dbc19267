package dev.panamax.autodiff.testing;

import static dev.panamax.autodiff.testing.OpInfos.r;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.Tensor;
import java.util.List;

/**
 * The recurrent and 1-D convolution records of the OpInfo table. Each recurrent record returns every output of its
 * op side by side ({@code y} flattened per batch row, then the final states), so the gradient check reaches all of
 * them; the reference is the same recurrence written step by step with elementwise and matrix ops, independent of
 * the fused cell kernels. Hidden size 9 leaves a vector tail after 8 lanes; one input is a transposed view.
 */
final class RnnOpInfos {
    private RnnOpInfos() {}

    /** F32 over a few recurrent steps: rounding compounds through the state, so a little looser than one kernel's. */
    static final OpInfo.Tolerance F32_RECURRENT = new OpInfo.Tolerance(1e-4, 1e-3);

    static void addTo(List<OpInfo> l) {
        for (boolean reverse : new boolean[] {false, true}) {
            String dir = reverse ? " reverse" : "";
            l.add(new OpInfo("lstm" + dir, v -> flat(F.lstm(v[0], v[1], v[2], v[3], v[4], v[5], v[6], reverse)),
                    () -> List.of(lstmSample(11, 2, 3, 3, 2), lstmSample(21, 1, 4, 2, 9), lstmSampleTransposed(31, 3, 2, 4, 3)),
                    t -> lstmReference(t, reverse), OpInfos.F64, F32_RECURRENT));
            l.add(new OpInfo("gru" + dir, v -> flat(F.gru(v[0], v[1], v[2], v[3], v[4], v[5], reverse)),
                    () -> List.of(gruSample(41, 2, 3, 3, 2), gruSample(51, 1, 4, 2, 9)), t -> gruReference(t, reverse), OpInfos.F64, F32_RECURRENT));
        }
        l.add(OpInfos.info("conv1d causal dilated", v -> F.conv1d(v[0], v[1], 2, true),
                () -> List.<Tensor[]>of(new Tensor[] {r(61, 2, 7, 3), r(62, 3, 3, 4)}, new Tensor[] {r(63, 1, 2, 1), r(64, 2, 1, 1)}),
                t -> conv1dReference(t[0], t[1], 2, true)));
        l.add(OpInfos.info("conv1d valid", v -> F.conv1d(v[0], v[1], 1, false), () -> List.<Tensor[]>of(new Tensor[] {r(65, 2, 6, 2), r(66, 3, 2, 5)}),
                t -> conv1dReference(t[0], t[1], 1, false)));
    }

    /** {@code (y (B, T·H) | hT | cT)} along axis 1. */
    static Var flat(Var[] out) {
        long[] s = out[0].shape();
        Var[] parts = new Var[out.length];
        parts[0] = F.reshape(out[0], s[0], s[1] * s[2]);
        System.arraycopy(out, 1, parts, 1, out.length - 1);
        return F.concat(1, parts);
    }

    /** {@code x (B, T, I), h0, c0 (B, H), weight_ih (4H, I), weight_hh (4H, H), bias_ih, bias_hh (4H)}. */
    static Tensor[] lstmSample(long seed, long b, long t, long in, long h) {
        return new Tensor[] {r(seed, b, t, in), r(seed + 1, b, h), r(seed + 2, b, h), r(seed + 3, 4 * h, in).mul(0.5), r(seed + 4, 4 * h, h).mul(0.5),
                r(seed + 5, 4 * h), r(seed + 6, 4 * h)};
    }

    /** As {@link #lstmSample}, with x a (B, T, I) view of a (T, B, I) tensor. */
    static Tensor[] lstmSampleTransposed(long seed, long b, long t, long in, long h) {
        Tensor[] s = lstmSample(seed, b, t, in, h);
        s[0] = r(seed + 7, t, b, in).transpose(0, 1);
        return s;
    }

    /** {@code x (B, T, I), h0 (B, H), weight_ih (3H, I), weight_hh (3H, H), bias_ih, bias_hh (3H)}. */
    static Tensor[] gruSample(long seed, long b, long t, long in, long h) {
        return new Tensor[] {r(seed, b, t, in), r(seed + 1, b, h), r(seed + 3, 3 * h, in).mul(0.5), r(seed + 4, 3 * h, h).mul(0.5),
                r(seed + 5, 3 * h), r(seed + 6, 3 * h)};
    }

    private static Var gate(Var a, int k, long h) {
        return F.slice(a, 1, k * h, (k + 1) * h, 1);
    }

    private static Var stepInput(Var x, long t) {
        long[] s = x.shape();
        return F.reshape(F.slice(x, 1, t, t + 1, 1), s[0], s[2]);
    }

    /** The LSTM step by step from matrix products, sigmoid and tanh. */
    static Tensor lstmReference(Tensor[] in, boolean reverse) {
        Var x = Var.of(in[0]), h = Var.of(in[1]), c = Var.of(in[2]), wi = Var.of(in[3]), wh = Var.of(in[4]), bi = Var.of(in[5]), bh = Var.of(in[6]);
        long steps = in[0].dim(1), hid = in[4].dim(1);
        Var[] ys = new Var[(int) steps];
        for (long s = 0; s < steps; s++) {
            long t = reverse ? steps - 1 - s : s;
            Var a = F.add(F.add(F.matmul(stepInput(x, t), F.transpose(wi, 0, 1)), bi), F.add(F.matmul(h, F.transpose(wh, 0, 1)), bh));
            c = F.add(F.mul(F.sigmoid(gate(a, 1, hid)), c), F.mul(F.sigmoid(gate(a, 0, hid)), F.tanh(gate(a, 2, hid))));
            h = F.mul(F.sigmoid(gate(a, 3, hid)), F.tanh(c));
            ys[(int) t] = h;
        }
        return flat(new Var[] {F.stack(1, ys), h, c}).value();
    }

    /** The GRU step by step from matrix products, sigmoid and tanh. */
    static Tensor gruReference(Tensor[] in, boolean reverse) {
        Var x = Var.of(in[0]), h = Var.of(in[1]), wi = Var.of(in[2]), wh = Var.of(in[3]), bi = Var.of(in[4]), bh = Var.of(in[5]);
        long steps = in[0].dim(1), hid = in[3].dim(1);
        Var[] ys = new Var[(int) steps];
        for (long s = 0; s < steps; s++) {
            long t = reverse ? steps - 1 - s : s;
            Var gi = F.add(F.matmul(stepInput(x, t), F.transpose(wi, 0, 1)), bi), gh = F.add(F.matmul(h, F.transpose(wh, 0, 1)), bh);
            Var r = F.sigmoid(F.add(gate(gi, 0, hid), gate(gh, 0, hid))), z = F.sigmoid(F.add(gate(gi, 1, hid), gate(gh, 1, hid)));
            Var n = F.tanh(F.add(gate(gi, 2, hid), F.mul(r, gate(gh, 2, hid))));
            h = F.add(n, F.mul(z, F.sub(h, n)));
            ys[(int) t] = h;
        }
        return flat(new Var[] {F.stack(1, ys), h}).value();
    }

    /** The 1-D convolution by its definition: {@code y[b, t, f] = Σ_{k, c} x[b, t + k·d - pad, c]·w[k, c, f]}, zero outside. */
    static Tensor conv1dReference(Tensor x, Tensor w, int d, boolean causal) {
        long bs = x.dim(0), steps = x.dim(1), ch = x.dim(2), taps = w.dim(0), fs = w.dim(2);
        long pad = causal ? (taps - 1) * d : 0, out = steps + pad - (taps - 1) * d;
        double[] xv = x.contiguous().toDoubleArray(), wv = w.contiguous().toDoubleArray(), y = new double[(int) (bs * out * fs)];
        for (long b = 0; b < bs; b++) {
            for (long t = 0; t < out; t++) {
                for (long f = 0; f < fs; f++) {
                    double s = 0;
                    for (long k = 0; k < taps; k++) {
                        long at = t + k * d - pad;
                        if (at < 0 || at >= steps) continue;
                        for (long c = 0; c < ch; c++) s += xv[(int) ((b * steps + at) * ch + c)] * wv[(int) ((k * ch + c) * fs + f)];
                    }
                    y[(int) ((b * out + t) * fs + f)] = s;
                }
            }
        }
        return Tensor.of(y, bs, out, fs);
    }
}
