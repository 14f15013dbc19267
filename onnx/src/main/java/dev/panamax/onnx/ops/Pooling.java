package dev.panamax.onnx.ops;

import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.onnx.graph.Node;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool over NCHW input. Windowed pooling runs on an NHWC view
 * with the backend's primitives: max pooling is its own kernel (padding never wins, as ONNX's -inf padding);
 * average pooling is composed from {@code im2col}, a sum over each window's taps and a division by the window's
 * size ({@code count_include_pad=1}) or by how many of its taps fall inside the image (the default). 1-D and 3-D
 * windows, {@code ceil_mode} and MaxPool's Indices output go to {@link NdPool}'s reference loop instead.
 */
final class Pooling {
    private Pooling() {}

    static void register(Map<String, Operator> ops) {
        ops.put("MaxPool", (node, opset) -> {
            if (NdPool.needed(node)) return NdPool.max().create(node, opset);
            Window win = window(node);
            node.attributes().ignore("storage_order");  // the layout of the Indices output, which only NdPool computes
            return in -> {
                if (in[0].dtype().isFloating()) return new Tensor[] {maxPool(win, in[0])};
                // Integer images pool exactly in float32 (the backend's max pooling is for floats).
                try (Tensor f = in[0].to(dev.panamax.tensors.DType.F32); Tensor y = maxPool(win, f)) {
                    return new Tensor[] {y.to(in[0].dtype())};
                }
            };
        });
        ops.put("AveragePool", (node, opset) -> {
            if (NdPool.needed(node)) return NdPool.average().create(node, opset);
            Window win = window(node);
            if (win.dilated()) throw new IllegalArgumentException(node.describe() + ": dilations are not supported for AveragePool");
            boolean countPad = node.attributes().i("count_include_pad", 0) != 0;
            return in -> new Tensor[] {averagePool(win, in[0], countPad)};
        });
        ops.put("GlobalAveragePool", (node, opset) -> in -> new Tensor[] {in[0].mean(spatialAxes(in[0]), true)});
        ops.put("GlobalMaxPool", (node, opset) -> in -> new Tensor[] {in[0].max(spatialAxes(in[0]), true)});
    }

    private static Window window(Node node) {
        node.attributes().ignore("ceil_mode");  // 0 here: NdPool takes ceil_mode=1
        return Window.read(node, true);
    }

    /** Axes 2 to the end of {@code (N, C, ...)}. */
    private static int[] spatialAxes(Tensor x) {
        if (x.rank() < 3) throw new IllegalArgumentException("input " + java.util.Arrays.toString(x.shape()) + " must be (N, C, spatial...)");
        int[] axes = new int[x.rank() - 2];
        for (int i = 0; i < axes.length; i++) axes[i] = i + 2;
        return axes;
    }

    private static Conv2dShape geometry(Window win, Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("input " + java.util.Arrays.toString(x.shape()) + " must be (N, C, H, W); Panamax imports 2-D pooling only");
        }
        return win.shape(x.dim(0), x.dim(1), x.dim(2), x.dim(3), win.kernel()[0], win.kernel()[1], 0);
    }

    /** {@code y (N, C, OH, OW)} of {@code x (N, C, H, W)}. */
    static Tensor maxPool(Window win, Tensor x) {
        Conv2dShape s = geometry(win, x);
        try (Tensor xh = x.permute(0, 2, 3, 1)) {  // (N, H, W, C)
            Tensor[] r = Backend.of(x).maxPool2d(s, xh);  // (N, OH, OW, C) and the argmax
            try (Tensor y = r[0]; Tensor argmax = r[1]) {
                return y.permute(0, 3, 1, 2);
            }
        }
    }

    /** {@code y (N, C, OH, OW)} of {@code x (N, C, H, W)}: each window's sum over its size or over its taps inside the image. */
    static Tensor averagePool(Window win, Tensor x, boolean countPad) {
        Conv2dShape s = geometry(win, x);
        Backend backend = Backend.of(x);
        long n = s.n(), pixels = (long) s.oh() * s.ow(), taps = (long) s.kh() * s.kw(), c = s.c();
        try (Tensor xh = x.permute(0, 2, 3, 1);                     // (N, H, W, C)
             Tensor cols = backend.im2col(s, xh, 0);                 // (N·OH·OW, KH·KW·C)
             Tensor windows = cols.reshape(n * pixels, taps, c);
             Tensor sums = windows.sum(new int[] {1}, false);        // (N·OH·OW, C)
             Tensor perImage = sums.reshape(n, pixels, c);
             Tensor counts = countPad ? Tensor.scalar(taps, x.dtype()) : tapsInside(backend, s, x);
             Tensor mean = perImage.div(counts);
             Tensor y = mean.reshape(n, s.oh(), s.ow(), c)) {
            return y.permute(0, 3, 1, 2);
        }
    }

    /** {@code (OH·OW, 1)}: how many taps of each window fall inside the image (the same for every image and channel). */
    private static Tensor tapsInside(Backend backend, Conv2dShape s, Tensor x) {
        Conv2dShape one = new Conv2dShape(1, s.h(), s.w(), 1, s.kh(), s.kw(), 0, s.sh(), s.sw(), s.dh(), s.dw(), s.padTop(), s.padLeft(),
                s.oh(), s.ow());
        try (Tensor ones = Tensor.ones(x.dtype(), 1, s.h(), s.w(), 1); Tensor cols = backend.im2col(one, ones, 0)) {  // (OH·OW, KH·KW)
            return cols.sum(new int[] {1}, true);
        }
    }
}
