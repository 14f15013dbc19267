package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * GridSample over {@code (N, C, H, W)} with a {@code (N, H_out, W_out, 2)} grid of normalised (x, y) positions:
 * bilinear, nearest or bicubic sampling, zeros, border or reflection padding, with or without
 * {@code align_corners}; the arithmetic of PyTorch's {@code grid_sample}, which ONNX's definition follows.
 */
final class GridSample {
    private GridSample() {}

    /** A node's settings. */
    private record Spec(String mode, String padding, boolean alignCorners) {}

    static void register(Map<String, Operator> ops) {
        ops.put("GridSample", (node, opset) -> {
            Attributes a = node.attributes();
            Spec s = new Spec(a.s("mode", "bilinear"), a.s("padding_mode", "zeros"), a.i("align_corners", 0) != 0);
            if (!java.util.List.of("bilinear", "nearest", "bicubic").contains(s.mode())
                    || !java.util.List.of("zeros", "border", "reflection").contains(s.padding())) {
                throw new IllegalArgumentException(node.describe() + ": mode '" + s.mode() + "' / padding_mode '" + s.padding() + "' is not supported");
            }
            return in -> new Tensor[] {sample(in[0], in[1], s)};
        });
    }

    private static Tensor sample(Tensor x, Tensor grid, Spec s) {
        if (x.rank() != 4) throw new IllegalArgumentException("GridSample of rank " + x.rank() + " is not supported (4-D only)");
        long[] xs = x.shape(), gs = grid.shape();
        int n = (int) xs[0], c = (int) xs[1], h = (int) xs[2], w = (int) xs[3], oh = (int) gs[1], ow = (int) gs[2];
        double[] v = x.toDoubleArray(), g = grid.toDoubleArray(), y = new double[n * c * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int go = ((b * oh + i) * ow + j) * 2;
                    double ix = unnormalize(g[go], w, s.alignCorners()), iy = unnormalize(g[go + 1], h, s.alignCorners());
                    for (int ch = 0; ch < c; ch++) {
                        int base = (b * c + ch) * h * w;
                        y[((b * c + ch) * oh + i) * ow + j] = switch (s.mode()) {
                            case "nearest" -> at(v, base, h, w, Math.rint(pad(ix, w, s)), Math.rint(pad(iy, h, s)));
                            case "bicubic" -> bicubic(v, base, h, w, ix, iy, s);
                            default -> bilinear(v, base, h, w, pad(ix, w, s), pad(iy, h, s));
                        };
                    }
                }
            }
        }
        return Ref.of(x.dtype(), y, n, c, oh, ow);
    }

    private static double unnormalize(double coord, int size, boolean align) {
        return align ? (coord + 1) / 2 * (size - 1) : ((coord + 1) * size - 1) / 2;
    }

    /** The coordinate after the padding mode: clipped (border), reflected then clipped (reflection), or as is (zeros). */
    private static double pad(double coord, int size, Spec s) {
        return switch (s.padding()) {
            case "border" -> Math.clamp(coord, 0, size - 1);
            case "reflection" -> Math.clamp(s.alignCorners() ? reflect(coord, 0, 2 * (size - 1)) : reflect(coord, -1, 2 * size - 1), 0, size - 1);
            default -> coord;
        };
    }

    private static double reflect(double in, double twiceLow, double twiceHigh) {
        if (twiceLow == twiceHigh) return 0;
        double min = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
        in = Math.abs(in - min);
        double extra = in % span;
        int flips = (int) Math.floor(in / span);
        return flips % 2 == 0 ? extra + min : span - extra + min;
    }

    /** The pixel at integer position (x, y), 0 outside the image. */
    private static double at(double[] v, int base, int h, int w, double x, double y) {
        if (x < 0 || x >= w || y < 0 || y >= h) return 0;
        return v[base + (int) y * w + (int) x];
    }

    private static double bilinear(double[] v, int base, int h, int w, double x, double y) {
        double x0 = Math.floor(x), y0 = Math.floor(y), tx = x - x0, ty = y - y0;
        return at(v, base, h, w, x0, y0) * (1 - tx) * (1 - ty) + at(v, base, h, w, x0 + 1, y0) * tx * (1 - ty)
                + at(v, base, h, w, x0, y0 + 1) * (1 - tx) * ty + at(v, base, h, w, x0 + 1, y0 + 1) * tx * ty;
    }

    private static double bicubic(double[] v, int base, int h, int w, double x, double y, Spec s) {
        double x0 = Math.floor(x), y0 = Math.floor(y);
        double[] cx = cubic(x - x0), cy = cubic(y - y0);
        double sum = 0;
        for (int j = 0; j < 4; j++) {
            for (int i = 0; i < 4; i++) {
                // Each tap is padded on its own (PyTorch's get_value_bounded).
                sum += cx[i] * cy[j] * at(v, base, h, w, pad(x0 - 1 + i, w, s), pad(y0 - 1 + j, h, s));
            }
        }
        return sum;
    }

    private static double[] cubic(double t) {
        double a = -0.75;
        return new double[] {cc2(t + 1, a), cc1(t, a), cc1(1 - t, a), cc2(2 - t, a)};
    }

    private static double cc1(double x, double a) {
        return ((a + 2) * x - (a + 3)) * x * x + 1;
    }

    private static double cc2(double x, double a) {
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }
}
