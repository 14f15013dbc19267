package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * ConvTranspose in 1-D, 2-D and 3-D with groups, dilations, explicit or automatic padding, {@code output_padding}
 * and {@code output_shape}: each input element scatters its products with the kernel into the full output, which is
 * then cropped by the padding (a negative padding, from an {@code output_shape} larger than the full output, leaves
 * zeros at the end). A reference loop ({@link Ref}): exporters use it for decoders, not for the models Panamax tunes.
 */
final class ConvTranspose {
    private ConvTranspose() {}

    static void register(Map<String, Operator> ops) {
        ops.put("ConvTranspose", (node, opset) -> {
            Attributes a = node.attributes();
            long[] stridesA = a.ints("strides"), dilationsA = a.ints("dilations"), padsA = a.ints("pads"), outPadA = a.ints("output_padding");
            long[] outShapeA = a.ints("output_shape");
            a.ints("kernel_shape");  // the weights give it
            String auto = a.s("auto_pad", "NOTSET");
            if (!Arrays.asList("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").contains(auto)) {
                throw new IllegalArgumentException(node.describe() + ": auto_pad '" + auto + "' is not supported");
            }
            int group = (int) a.i("group", 1);
            return in -> {
                Tensor x = in[0], w = in[1];
                int d = x.rank() - 2;
                long[] s = or(stridesA, d, 1), dil = or(dilationsA, d, 1), outPad = or(outPadA, d, 0);
                long[] xs = x.shape(), ws = w.shape();
                long n = xs[0], c = xs[1], m = ws[1] * group;
                long[] spatial = Arrays.copyOfRange(xs, 2, xs.length), kernel = Arrays.copyOfRange(ws, 2, ws.length);
                long[] begin = new long[d], out = new long[d];
                for (int i = 0; i < d; i++) {
                    long full = (spatial[i] - 1) * s[i] + (kernel[i] - 1) * dil[i] + 1 + outPad[i];
                    if (outShapeA != null || auto.startsWith("SAME")) {
                        out[i] = outShapeA != null ? outShapeA[outShapeA.length - d + i] : spatial[i] * s[i];
                        long total = full - out[i];
                        begin[i] = auto.equals("SAME_LOWER") ? total - total / 2 : total / 2;
                    } else {
                        long pb = padsA == null || auto.equals("VALID") ? 0 : padsA[i], pe = padsA == null || auto.equals("VALID") ? 0 : padsA[i + d];
                        begin[i] = pb;
                        out[i] = full - pb - pe;
                    }
                }
                return new Tensor[] {run(x, w, in.length > 2 ? in[2] : null, group, s, dil, begin, out, n, c, m, spatial, kernel)};
            };
        });
    }

    private static long[] or(long[] v, int d, long fill) {
        if (v != null) return v;
        long[] f = new long[d];
        Arrays.fill(f, fill);
        return f;
    }

    private static Tensor run(Tensor x, Tensor w, Tensor bias, int group, long[] s, long[] dil, long[] begin, long[] out, long n, long c, long m,
            long[] spatial, long[] kernel) {
        int d = spatial.length;
        double[] xv = x.toDoubleArray(), wv = w.toDoubleArray(), b = bias == null ? null : bias.toDoubleArray();
        long inPlane = Ref.numel(spatial), outPlane = Ref.numel(out), taps = Ref.numel(kernel);
        long cg = c / group, mg = m / group;
        double[] y = new double[(int) (n * m * outPlane)];
        long[] p = new long[d], t = new long[d], o = new long[d], ost = Ref.strides(out);
        for (long img = 0; img < n; img++) {
            for (long ci = 0; ci < c; ci++) {
                long g = ci / cg;
                for (long pi = 0; pi < inPlane; pi++) {
                    double xval = xv[(int) ((img * c + ci) * inPlane + pi)];
                    Ref.unravel(pi, spatial, p);
                    for (long ti = 0; ti < taps; ti++) {
                        Ref.unravel(ti, kernel, t);
                        boolean inside = true;
                        for (int i = 0; i < d && inside; i++) {
                            o[i] = p[i] * s[i] + t[i] * dil[i] - begin[i];
                            inside = o[i] >= 0 && o[i] < out[i];
                        }
                        if (!inside) continue;
                        long oi = Ref.ravel(o, ost);
                        for (long j = 0; j < mg; j++) {
                            long mo = g * mg + j;
                            y[(int) ((img * m + mo) * outPlane + oi)] += xval * wv[(int) ((ci * mg + j) * taps + ti)];
                        }
                    }
                }
            }
            if (b != null) for (long mo = 0; mo < m; mo++) for (long oi = 0; oi < outPlane; oi++) y[(int) ((img * m + mo) * outPlane + oi)] += b[(int) mo];
        }
        long[] shape = new long[d + 2];
        shape[0] = n;
        shape[1] = m;
        System.arraycopy(out, 0, shape, 2, d);
        return Ref.of(x.dtype(), y, shape);
    }
}
