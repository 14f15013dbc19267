package dev.panamax.onnx.ops;

import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * DFT and STFT over signals whose last axis holds 1 (real) or 2 (real, imaginary) values, as ONNX's opset 17 defines
 * them: a direct O(n²) transform in double precision (exact enough to meet the reference's tolerance where a float
 * FFT is not, and the node tests' lengths are small).
 */
final class Spectral {
    private Spectral() {}

    static void register(Map<String, Operator> ops) {
        ops.put("DFT", (node, opset) -> {
            long axisAttr = node.attributes().i("axis", 1);
            boolean inverse = node.attributes().i("inverse", 0) != 0, onesided = node.attributes().i("onesided", 0) != 0;
            return in -> {
                Tensor x = in[0];
                int axis = Args.axis("DFT", axisAttr, x.rank() - 1);
                long n = in.length > 1 && in[1] != null ? (long) Args.scalar(in[1], "DFT dft_length") : x.dim(axis);
                return new Tensor[] {dft(x, axis, (int) n, inverse, onesided)};
            };
        });
        ops.put("STFT", (node, opset) -> {
            boolean onesided = node.attributes().i("onesided", 1) != 0;
            return in -> {
                long step = (long) Args.scalar(in[1], "STFT frame_step");
                double[] window = in.length > 2 && in[2] != null ? in[2].toDoubleArray() : null;
                long length = in.length > 3 && in[3] != null ? (long) Args.scalar(in[3], "STFT frame_length") : window.length;
                return new Tensor[] {stft(in[0], step, (int) length, window, onesided)};
            };
        });
    }

    /** The transform of {@code x (..., 1|2)} along {@code axis}, padded or cut to {@code n}. */
    private static Tensor dft(Tensor x, int axis, int n, boolean inverse, boolean onesided) {
        long[] s = x.shape();
        int comps = (int) s[s.length - 1], len = (int) s[axis];
        long outer = Ref.numel(Arrays.copyOf(s, axis)), inner = Ref.numel(Arrays.copyOfRange(s, axis + 1, s.length - 1));
        int bins = onesided ? n / 2 + 1 : n;
        double[] v = x.toDoubleArray(), y = new double[(int) (outer * bins * inner * 2)];
        double sign = inverse ? 1 : -1;
        for (long o = 0; o < outer; o++) {
            for (long i = 0; i < inner; i++) {
                for (int k = 0; k < bins; k++) {
                    double re = 0, im = 0;
                    for (int j = 0; j < Math.min(n, len); j++) {
                        int at = (int) (((o * len + j) * inner + i) * comps);
                        double xr = v[at], xi = comps > 1 ? v[at + 1] : 0, a = sign * 2 * Math.PI * ((long) j * k % n) / n;
                        re += xr * Math.cos(a) - xi * Math.sin(a);
                        im += xr * Math.sin(a) + xi * Math.cos(a);
                    }
                    int out = (int) (((o * bins + k) * inner + i) * 2);
                    y[out] = inverse ? re / n : re;
                    y[out + 1] = inverse ? im / n : im;
                }
            }
        }
        long[] shape = s.clone();
        shape[axis] = bins;
        shape[s.length - 1] = 2;
        return Ref.of(x.dtype(), y, shape);
    }

    private static Tensor stft(Tensor signal, long step, int length, double[] window, boolean onesided) {
        long[] s = signal.shape();
        int batch = (int) s[0], total = (int) s[1], comps = (int) s[2];
        int frames = (int) ((total - length) / step + 1), bins = onesided ? length / 2 + 1 : length;
        double[] v = signal.toDoubleArray(), y = new double[batch * frames * bins * 2];
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < frames; f++) {
                for (int k = 0; k < bins; k++) {
                    double re = 0, im = 0;
                    for (int j = 0; j < length; j++) {
                        int at = (int) ((b * total + f * step + j) * comps);
                        double wj = window == null ? 1 : window[j], xr = v[at] * wj, xi = comps > 1 ? v[at + 1] * wj : 0;
                        double a = -2 * Math.PI * ((long) j * k % length) / length;
                        re += xr * Math.cos(a) - xi * Math.sin(a);
                        im += xr * Math.sin(a) + xi * Math.cos(a);
                    }
                    int out = ((b * frames + f) * bins + k) * 2;
                    y[out] = re;
                    y[out + 1] = im;
                }
            }
        }
        return Ref.of(signal.dtype(), y, batch, frames, bins, 2);
    }
}
