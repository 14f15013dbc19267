package dev.panamax.onnx.ops;

import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * ONNX Conv (2-D) on the backend's convolution. ONNX is channels-first: {@code x (N, C, H, W)}, weights {@code
 * (F, C/group, KH, KW)}; Panamax convolves channels-last, {@code (N, H, W, C)} with a {@code (KH, KW, C, F)}
 * kernel. Both sides are permuted views, so the result {@code (N, F, OH, OW)} is a view of NHWC memory and the
 * next convolution's NHWC view of it needs no copy. Grouped (and depthwise) convolution runs one convolution per
 * group on its slice of channels and joins the results.
 */
final class Convolutions {
    private Convolutions() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Conv", (node, opset) -> {
            Window win = Window.read(node, false);
            long group = node.attributes().i("group", 1);
            if (group <= 0) throw new IllegalArgumentException(node.describe() + ": group " + group + " must be positive");
            return in -> new Tensor[] {conv(win, in[0], in[1], in.length > 2 ? in[2] : null, (int) group)};
        });
    }

    /** {@code y (N, F, OH, OW)} of {@code x (N, C, H, W)}, {@code w (F, C/group, KH, KW)} and optional {@code b (F)}. */
    static Tensor conv(Window win, Tensor x, Tensor w, Tensor b, int group) {
        if (x.rank() != 4 || w.rank() != 4) {
            throw new IllegalArgumentException("input " + Arrays.toString(x.shape()) + " and weights " + Arrays.toString(w.shape())
                    + " must be (N, C, H, W) and (F, C/group, KH, KW); Panamax imports 2-D convolutions only");
        }
        long n = x.dim(0), c = x.dim(1), h = x.dim(2), width = x.dim(3);
        long f = w.dim(0), cg = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        if (win.kernel() != null && (win.kernel()[0] != kh || win.kernel()[1] != kw)) {
            throw new IllegalArgumentException("kernel_shape " + Arrays.toString(win.kernel()) + " differs from the weights' " + kh + "x" + kw);
        }
        if (cg * group != c || f % group != 0) {
            throw new IllegalArgumentException("weights " + Arrays.toString(w.shape()) + " with group " + group + " do not fit " + c
                    + " input channels: expected (F, " + (c % group == 0 ? Long.toString(c / group) : "C/group") + ", KH, KW) with F divisible by " + group);
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != f)) {
            throw new IllegalArgumentException("bias " + Arrays.toString(b.shape()) + " must be (" + f + "), one value per output channel");
        }
        long fg = f / group;
        Conv2dShape s = win.shape(n, cg, h, width, kh, kw, fg);
        Backend backend = Backend.of(x);
        try (Tensor xh = x.permute(0, 2, 3, 1); Tensor k = w.permute(2, 3, 1, 0)) {  // (N, H, W, C), (KH, KW, C/group, F)
            Tensor y;  // (N, OH, OW, F)
            if (group == 1) {
                y = backend.conv2d(s, xh, k, b, false, null)[0];
            } else {
                Tensor[] parts = new Tensor[group];
                try {
                    for (int g = 0; g < group; g++) {
                        try (Tensor xg = xh.slice(3, g * cg, (g + 1) * cg); Tensor kg = k.slice(3, g * fg, (g + 1) * fg);
                             Tensor bg = b == null ? null : b.slice(0, g * fg, (g + 1) * fg)) {
                            parts[g] = backend.conv2d(s, xg, kg, bg, false, null)[0];
                        }
                    }
                    y = Tensor.concat(3, parts);
                } finally {
                    for (Tensor p : parts) if (p != null) p.close();
                }
            }
            try (y) {
                return y.permute(0, 3, 1, 2);
            }
        }
    }
}
