package dev.panamax.autodiff.op;

import dev.panamax.kernels.spec.Conv2dShape;
import java.util.Arrays;

/** A sliding window's size, strides, dilation and padding: what convolution and patch ops are built from. */
record Window(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding) {
    /** The geometry over an NHWC input of this shape, with {@code f} output channels (0 for patches and pooling). */
    Conv2dShape over(long[] x, int f, String op) {
        if (x.length != 4) throw new IllegalArgumentException(op + ": input must be NHWC (N, H, W, C), got " + Arrays.toString(x));
        return Conv2dShape.of((int) x[0], (int) x[1], (int) x[2], (int) x[3], kh, kw, f, sh, sw, dh, dw, padding);
    }
}
