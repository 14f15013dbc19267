package dev.panamax.onnx.ops;

import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.Node;
import java.util.Arrays;

/**
 * The sliding-window attributes that ONNX's Conv, MaxPool and AveragePool share ({@code kernel_shape}, {@code
 * strides}, {@code dilations}, {@code pads}, {@code auto_pad}), read and checked once when the node is loaded, and
 * turned into Panamax's {@link Conv2dShape} once the input's height and width are known. ONNX pads are {@code
 * [top, left, bottom, right]}; Panamax's geometry keeps the leading padding and the output size, and the kernels
 * treat every tap outside the image as padding, so uneven (and {@code SAME_LOWER}) padding needs no special case.
 *
 * @param kernel {@code [kh, kw]}, or null when the kernel's size comes from the weights (Conv may omit it)
 */
record Window(String where, long[] kernel, int sh, int sw, int dh, int dw, String autoPad, long[] pads) {

    /** Reads the attributes of 2-D {@code node}; {@code kernelRequired} for pooling, where nothing else gives the size. */
    static Window read(Node node, boolean kernelRequired) {
        Attributes a = node.attributes();
        String where = node.describe();
        long[] kernel = a.ints("kernel_shape");
        if (kernel == null && kernelRequired) throw new IllegalArgumentException(where + ": the 'kernel_shape' attribute is required");
        if (kernel != null) {
            requireTwo(where, "kernel_shape", kernel);
            for (long k : kernel) if (k <= 0) throw new IllegalArgumentException(where + ": kernel_shape " + Arrays.toString(kernel) + " must be positive");
        }
        long[] strides = orOnes(a.ints("strides")), dilations = orOnes(a.ints("dilations"));
        requireTwo(where, "strides", strides);
        requireTwo(where, "dilations", dilations);
        for (long s : strides) if (s <= 0) throw new IllegalArgumentException(where + ": strides " + Arrays.toString(strides) + " must be positive");
        for (long d : dilations) if (d <= 0) throw new IllegalArgumentException(where + ": dilations " + Arrays.toString(dilations) + " must be positive");
        String autoPad = a.s("auto_pad", "NOTSET");
        long[] pads = a.ints("pads");
        switch (autoPad) {
            case "NOTSET" -> {
                if (pads == null) pads = new long[4];
                if (pads.length != 4) {
                    throw new IllegalArgumentException(where + ": pads " + Arrays.toString(pads) + " must hold 4 values (top, left, bottom, right)"
                            + " for a 2-D window");
                }
                for (long p : pads) if (p < 0) throw new IllegalArgumentException(where + ": negative pads " + Arrays.toString(pads) + " are not supported");
            }
            case "VALID", "SAME_UPPER", "SAME_LOWER" -> {
                if (pads != null && Arrays.stream(pads).anyMatch(p -> p != 0)) {
                    throw new IllegalArgumentException(where + ": pads " + Arrays.toString(pads) + " with auto_pad " + autoPad
                            + "; ONNX allows explicit pads only with auto_pad NOTSET");
                }
            }
            default -> throw new IllegalArgumentException(where + ": auto_pad '" + autoPad + "' (expected NOTSET, VALID, SAME_UPPER or SAME_LOWER)");
        }
        return new Window(where, kernel, (int) strides[0], (int) strides[1], (int) dilations[0], (int) dilations[1], autoPad, pads);
    }

    private static long[] orOnes(long[] v) {
        return v == null ? new long[] {1, 1} : v;
    }

    private static void requireTwo(String where, String name, long[] v) {
        if (v.length != 2) {
            throw new IllegalArgumentException(where + ": " + name + " " + Arrays.toString(v) + " has " + v.length
                    + " values; Panamax imports 2-D windows only (inputs (N, C, H, W))");
        }
    }

    /** Whether the window is dilated (pooling in opsets before 10 had no dilations). */
    boolean dilated() {
        return dh != 1 || dw != 1;
    }

    /**
     * The geometry over an NHWC view of input {@code (n, c, h, w)} with kernel {@code kh × kw} and {@code f} output
     * channels (0 for pooling); fails naming the node when the padded input is smaller than the window.
     */
    Conv2dShape shape(long n, long c, long h, long w, long kh, long kw, long f) {
        int ekh = (int) ((kh - 1) * dh + 1), ekw = (int) ((kw - 1) * dw + 1);
        long top, left, bottom, right, oh, ow;
        switch (autoPad) {
            case "SAME_UPPER", "SAME_LOWER" -> {
                oh = (h + sh - 1) / sh;
                ow = (w + sw - 1) / sw;
                long th = Math.max(0, (oh - 1) * sh + ekh - h), tw = Math.max(0, (ow - 1) * sw + ekw - w);
                boolean upper = autoPad.equals("SAME_UPPER");  // the odd pixel of padding goes at the end (UPPER) or the start
                top = upper ? th / 2 : th - th / 2;
                left = upper ? tw / 2 : tw - tw / 2;
                bottom = th - top;
                right = tw - left;
            }
            case "VALID" -> {
                top = left = bottom = right = 0;
                oh = ow = 0;
            }
            default -> {
                top = pads[0];
                left = pads[1];
                bottom = pads[2];
                right = pads[3];
                oh = ow = 0;
            }
        }
        if (h + top + bottom < ekh || w + left + right < ekw) {
            throw new IllegalArgumentException(where + ": the " + ekh + "x" + ekw + " window (with dilation) is larger than the padded "
                    + (h + top + bottom) + "x" + (w + left + right) + " input");
        }
        if (!autoPad.startsWith("SAME")) {
            oh = (h + top + bottom - ekh) / sh + 1;
            ow = (w + left + right - ekw) / sw + 1;
        }
        return new Conv2dShape((int) n, (int) h, (int) w, (int) c, (int) kh, (int) kw, (int) f, sh, sw, dh, dw, (int) top, (int) left,
                (int) oh, (int) ow);
    }
}
