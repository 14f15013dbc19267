package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.Node;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Resize (and Upsample, its predecessor) in nearest, linear and cubic modes with every coordinate transformation
 * of opsets 10 to 17, following ONNX's reference: each axis is resized in turn (the interpolations are separable),
 * each output coordinate mapped back to a position in the input, whose neighbours (edge-padded) are weighted by the
 * mode's coefficients.
 */
final class Resize {
    private Resize() {}

    /** The attributes of one Resize node. */
    private record Spec(String mode, String transform, String nearest, double cubicA, boolean excludeOutside, double extrapolation) {
        static Spec read(Node node, int opset) {
            Attributes a = node.attributes();
            String mode = a.s("mode", "nearest");
            if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("cubic")) {
                throw new IllegalArgumentException(node.describe() + ": mode '" + mode + "' is not supported (nearest, linear, cubic)");
            }
            if (opset < 11) return new Spec(mode, "asymmetric", "floor", -0.75, false, 0);
            return new Spec(mode, a.s("coordinate_transformation_mode", "half_pixel"), a.s("nearest_mode", "round_prefer_floor"),
                    a.f("cubic_coeff_a", -0.75f), a.i("exclude_outside", 0) != 0, a.f("extrapolation_value", 0f));
        }
    }

    static void register(Map<String, Operator> ops) {
        ops.put("Resize", (node, opset) -> {
            Spec spec = Spec.read(node, opset);
            return in -> {
                Tensor x = in[0];
                if (opset < 11) return new Tensor[] {resize(x, in[1].toDoubleArray(), null, null, spec)};
                double[] roi = in.length > 1 && in[1] != null && in[1].numel() > 0 ? in[1].toDoubleArray() : null;
                double[] scales = in.length > 2 && in[2] != null && in[2].numel() > 0 ? in[2].toDoubleArray() : null;
                long[] sizes = in.length > 3 && in[3] != null && in[3].numel() > 0 ? Args.longs(in[3]) : null;
                return new Tensor[] {resize(x, scales, sizes, roi, spec)};
            };
        });
        ops.put("Upsample", (node, opset) -> {
            Spec spec = Spec.read(node, 10);
            float[] attrScales = opset < 9 ? node.attributes().floats("scales") : null;
            return in -> {
                double[] scales = attrScales != null ? toDoubles(attrScales) : in[1].toDoubleArray();
                return new Tensor[] {resize(in[0], scales, null, null, spec)};
            };
        });
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static Tensor resize(Tensor x, double[] scales, long[] sizes, double[] roi, Spec spec) {
        long[] shape = x.shape();
        int r = shape.length;
        if (scales == null && sizes == null) throw new IllegalArgumentException("Resize needs scales or sizes");
        double[] data = x.toDoubleArray();
        long[] cur = shape.clone();
        for (int d = 0; d < r; d++) {
            long out = sizes != null ? sizes[d] : (long) Math.floor(shape[d] * scales[d]);
            double scale = sizes != null ? (double) sizes[d] / shape[d] : scales[d];
            if (out == shape[d] && scale == 1 && !spec.transform().equals("tf_crop_and_resize")) continue;
            double[] box = roi == null ? new double[] {0, 1} : new double[] {roi[d], roi[d + r]};
            data = resizeAxis(data, cur, d, out, scale, box, spec);
            cur[d] = out;
        }
        return Ref.of(x.dtype(), data, cur);
    }

    /** {@code data} (shaped {@code shape}) resized along {@code axis} to {@code out} elements. */
    private static double[] resizeAxis(double[] data, long[] shape, int axis, long out, double scale, double[] roi, Spec spec) {
        int w = (int) shape[axis];
        long outer = Ref.numel(Arrays.copyOf(shape, axis)), inner = Ref.numel(Arrays.copyOfRange(shape, axis + 1, shape.length));
        int[][] idx = new int[(int) out][];
        double[][] coeff = new double[(int) out][];
        boolean[] extrapolate = new boolean[(int) out];
        for (int o = 0; o < out; o++) {
            double xo = original(o, w, scale, roi, spec.transform());
            if (Double.isNaN(xo)) {
                extrapolate[o] = true;
                continue;
            }
            double floor = Math.floor(xo), ratio = xo == floor ? 1 : xo - floor;
            double[] c = coefficients(ratio, spec);
            int n = c.length, pad = (n + 1) / 2;
            int[] nb = neighbours(xo + pad, n, w + 2 * pad);
            int[] at = new int[n];
            for (int k = 0; k < n; k++) at[k] = nb[k] - pad;
            if (spec.excludeOutside()) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    if (at[k] < 0 || at[k] >= w) c[k] = 0;
                    sum += c[k];
                }
                for (int k = 0; k < n; k++) c[k] /= sum;
            }
            for (int k = 0; k < n; k++) at[k] = Math.clamp(at[k], 0, w - 1);  // the edge padding
            idx[o] = at;
            coeff[o] = c;
        }
        double[] res = new double[(int) (outer * out * inner)];
        for (long a = 0; a < outer; a++) {
            for (int o = 0; o < out; o++) {
                for (long i = 0; i < inner; i++) {
                    double v;
                    if (extrapolate[o]) {
                        v = spec.extrapolation();
                    } else {
                        v = 0;
                        for (int k = 0; k < idx[o].length; k++) v += coeff[o][k] * data[(int) ((a * w + idx[o][k]) * inner + i)];
                    }
                    res[(int) ((a * out + o) * inner + i)] = v;
                }
            }
        }
        return res;
    }

    /** The input coordinate of output coordinate {@code x}; NaN where tf_crop_and_resize extrapolates. */
    private static double original(double x, int w, double scale, double[] roi, String transform) {
        double outW = scale * w;
        return switch (transform) {
            case "align_corners" -> outW == 1 ? 0 : x * (w - 1) / (outW - 1);
            case "asymmetric" -> x / scale;
            case "tf_crop_and_resize" -> {
                double xo = (outW == 1 ? (roi[1] - roi[0]) * (w - 1) / 2 : x * (roi[1] - roi[0]) * (w - 1) / (outW - 1)) + roi[0] * (w - 1);
                yield xo < 0 || xo > w - 1 ? Double.NaN : xo;
            }
            case "pytorch_half_pixel" -> outW == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
            case "half_pixel" -> (x + 0.5) / scale - 0.5;
            case "tf_half_pixel_for_nn" -> (x + 0.5) / scale;
            default -> throw new IllegalArgumentException("coordinate_transformation_mode '" + transform + "' is not supported");
        };
    }

    private static double[] coefficients(double ratio, Spec spec) {
        return switch (spec.mode()) {
            case "linear" -> new double[] {1 - ratio, ratio};
            case "cubic" -> {
                double a = spec.cubicA(), r1 = ratio + 1, s = 1 - ratio, s1 = s + 1;
                yield new double[] {((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a, ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
                    ((a + 2) * s - (a + 3)) * s * s + 1, ((a * s1 - 5 * a) * s1 + 8 * a) * s1 - 4 * a};
            }
            default -> {
                if (ratio == 1) yield new double[] {0, 1};
                yield switch (spec.nearest()) {
                    case "round_prefer_floor" -> ratio <= 0.5 ? new double[] {1, 0} : new double[] {0, 1};
                    case "round_prefer_ceil" -> ratio < 0.5 ? new double[] {1, 0} : new double[] {0, 1};
                    case "floor" -> new double[] {1, 0};
                    case "ceil" -> new double[] {0, 1};
                    default -> throw new IllegalArgumentException("nearest_mode '" + spec.nearest() + "' is not supported");
                };
            }
        };
    }

    /** The {@code n} indices in {@code [0, limit)} nearest to {@code x} (ties to the lower), ascending: the reference's choice. */
    private static int[] neighbours(double x, int n, int limit) {
        int lo = Math.max(0, (int) Math.floor(x) - n), hi = Math.min(limit - 1, (int) Math.floor(x) + n);
        Integer[] c = new Integer[hi - lo + 1];
        for (int i = 0; i < c.length; i++) c[i] = lo + i;
        Arrays.sort(c, (p, q) -> {
            int d = Double.compare(Math.abs(x - p), Math.abs(x - q));
            return d != 0 ? d : Integer.compare(p, q);
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = c[i];
        Arrays.sort(out);
        return out;
    }
}
