package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * MaxUnpool (MaxPool's values put back at its Indices in a zero tensor) and RoiAlign (average or max of bilinear
 * samples over each region's bins), reference loops following ONNX's definitions.
 */
final class Regions {
    private Regions() {}

    static void register(Map<String, Operator> ops) {
        ops.put("MaxUnpool", (node, opset) -> {
            Attributes a = node.attributes();
            long[] kernel = a.ints("kernel_shape"), stridesA = a.ints("strides"), pads = a.ints("pads");
            if (kernel == null) throw new IllegalArgumentException(node.describe() + ": the 'kernel_shape' attribute is required");
            return in -> {
                Tensor x = in[0];
                long[] s = x.shape(), natural = s.clone();
                int d = s.length - 2;
                for (int i = 0; i < d; i++) {
                    long st = stridesA == null ? 1 : stridesA[i], pb = pads == null ? 0 : pads[i], pe = pads == null ? 0 : pads[i + d];
                    natural[i + 2] = (s[i + 2] - 1) * st + kernel[i] - pb - pe;
                }
                // The indices address the unpooled shape the attributes imply; a larger output_shape keeps each value at
                // the same position, counted from the start of every axis (as ONNX's own test expects).
                long[] out = in.length > 2 && in[2] != null ? Args.longs(in[2]) : natural;
                double[] v = x.toDoubleArray(), y = new double[(int) Ref.numel(out)];
                long[] idx = in[1].toLongArray(), pos = new long[s.length], st = Ref.strides(out);
                for (int i = 0; i < v.length; i++) {
                    Ref.unravel(idx[i], natural, pos);
                    y[(int) Ref.ravel(pos, st)] = v[i];
                }
                return new Tensor[] {Ref.of(x.dtype(), y, out)};
            };
        });
        ops.put("RoiAlign", (node, opset) -> {
            Attributes a = node.attributes();
            boolean halfPixel = a.s("coordinate_transformation_mode", opset < 16 ? "output_half_pixel" : "half_pixel").equals("half_pixel");
            boolean max = a.s("mode", "avg").equals("max");
            int ph = (int) a.i("output_height", 1), pw = (int) a.i("output_width", 1), ratio = (int) a.i("sampling_ratio", 0);
            double scale = a.f("spatial_scale", 1f);
            return in -> new Tensor[] {roiAlign(in[0], in[1], in[2], halfPixel, max, ph, pw, ratio, scale)};
        });
    }

    private static Tensor roiAlign(Tensor x, Tensor rois, Tensor batchIdx, boolean halfPixel, boolean max, int ph, int pw, int ratio, double scale) {
        long[] s = x.shape();
        int c = (int) s[1], h = (int) s[2], w = (int) s[3];
        double[] v = x.toDoubleArray(), r = rois.toDoubleArray();
        long[] bi = batchIdx.toLongArray();
        int n = bi.length;
        double[] y = new double[n * c * ph * pw];
        double offset = halfPixel ? 0.5 : 0;
        for (int k = 0; k < n; k++) {
            double x1 = r[k * 4] * scale - offset, y1 = r[k * 4 + 1] * scale - offset, x2 = r[k * 4 + 2] * scale - offset, y2 = r[k * 4 + 3] * scale - offset;
            double rw = x2 - x1, rh = y2 - y1;
            if (!halfPixel) {
                rw = Math.max(rw, 1);
                rh = Math.max(rh, 1);
            }
            double bh = rh / ph, bw = rw / pw;
            int gh = ratio > 0 ? ratio : (int) Math.ceil(rh / ph), gw = ratio > 0 ? ratio : (int) Math.ceil(rw / pw);
            double count = Math.max(gh * gw, 1);
            for (int ch = 0; ch < c; ch++) {
                int base = (int) ((bi[k] * c + ch) * h * w);
                for (int i = 0; i < ph; i++) {
                    for (int j = 0; j < pw; j++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int iy = 0; iy < gh; iy++) {
                            double yy = y1 + i * bh + (iy + 0.5) * bh / gh;
                            for (int ix = 0; ix < gw; ix++) {
                                double xx = x1 + j * bw + (ix + 0.5) * bw / gw;
                                double[] t = taps(v, base, h, w, yy, xx);
                                if (max) {
                                    acc = Math.max(acc, Math.max(Math.max(t[0], t[1]), Math.max(t[2], t[3])));
                                } else {
                                    acc += t[0] + t[1] + t[2] + t[3];
                                }
                            }
                        }
                        y[((k * c + ch) * ph + i) * pw + j] = max ? acc : acc / count;
                    }
                }
            }
        }
        return Ref.of(x.dtype(), y, n, c, ph, pw);
    }

    /** The four weighted corner values of a bilinear sample at (y, x); all zero outside the image by more than a pixel. */
    private static double[] taps(double[] v, int base, int h, int w, double y, double x) {
        if (y < -1 || y > h || x < -1 || x > w) return new double[4];
        y = Math.max(y, 0);
        x = Math.max(x, 0);
        int yl = (int) y, xl = (int) x, yh, xh;
        if (yl >= h - 1) {
            yh = yl = h - 1;
            y = yl;
        } else {
            yh = yl + 1;
        }
        if (xl >= w - 1) {
            xh = xl = w - 1;
            x = xl;
        } else {
            xh = xl + 1;
        }
        double ly = y - yl, lx = x - xl, hy = 1 - ly, hx = 1 - lx;
        return new double[] {hy * hx * v[base + yl * w + xl], hy * lx * v[base + yl * w + xh], ly * hx * v[base + yh * w + xl],
            ly * lx * v[base + yh * w + xh]};
    }
}
