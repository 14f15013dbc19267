package dev.panamax.kernels.spec;

/**
 * Geometry of a 2-D convolution or pooling window over NHWC data, with TensorFlow/Keras padding rules:
 * {@code valid} pads nothing; {@code same} gives {@code ceil(in / stride)} outputs and splits the padding with
 * the extra pixel at the bottom/right.
 *
 * @param n       batch size
 * @param h       input height
 * @param w       input width
 * @param c       input channels
 * @param kh      window height
 * @param kw      window width
 * @param f       output channels (filters; 0 for pooling)
 * @param sh      vertical stride
 * @param sw      horizontal stride
 * @param dh      vertical dilation
 * @param dw      horizontal dilation
 * @param padTop  rows of padding above the input
 * @param padLeft columns of padding left of the input
 * @param oh      output height
 * @param ow      output width
 */
public record Conv2dShape(int n, int h, int w, int c, int kh, int kw, int f, int sh, int sw, int dh, int dw,
                          int padTop, int padLeft, int oh, int ow) {
    /** Keras' two padding modes. */
    public enum Padding {
        /** No padding: only windows wholly inside the input. */
        VALID,
        /** {@code ceil(in / stride)} outputs, zero padding split with the extra pixel at the bottom/right. */
        SAME
    }

    /**
     * The geometry of a window over an input, its padding and output size computed by Keras' rules.
     *
     * @param n       batch size (0 allowed)
     * @param h       input height
     * @param w       input width
     * @param c       input channels
     * @param kh      window height
     * @param kw      window width
     * @param f       output channels (0 for pooling)
     * @param sh      vertical stride
     * @param sw      horizontal stride
     * @param dh      vertical dilation
     * @param dw      horizontal dilation
     * @param padding VALID or SAME
     * @return the geometry
     * @throws IllegalArgumentException when a size is not positive, or a VALID window is larger than the input
     */
    public static Conv2dShape of(int n, int h, int w, int c, int kh, int kw, int f, int sh, int sw, int dh, int dw,
                                 Padding padding) {
        if (n < 0 || h <= 0 || w <= 0 || c <= 0 || kh <= 0 || kw <= 0 || f < 0 || sh <= 0 || sw <= 0 || dh <= 0 || dw <= 0) {
            throw new IllegalArgumentException("conv2d: sizes must be positive: input (" + n + ", " + h + ", " + w + ", " + c
                    + "), window " + kh + "x" + kw + ", strides " + sh + "x" + sw + ", dilation " + dh + "x" + dw);
        }
        int ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw + 1;  // window extent with dilation
        int oh, ow, pt = 0, pl = 0;
        if (padding == Padding.VALID) {
            if (ekh > h || ekw > w) {
                throw new IllegalArgumentException("conv2d: window " + ekh + "x" + ekw + " (with dilation) is larger than the "
                        + h + "x" + w + " input with padding 'valid'; use padding 'same' or a smaller window");
            }
            oh = (h - ekh) / sh + 1;
            ow = (w - ekw) / sw + 1;
        } else {
            oh = (h + sh - 1) / sh;
            ow = (w + sw - 1) / sw;
            pt = Math.max((oh - 1) * sh + ekh - h, 0) / 2;
            pl = Math.max((ow - 1) * sw + ekw - w, 0) / 2;
        }
        return new Conv2dShape(n, h, w, c, kh, kw, f, sh, sw, dh, dw, pt, pl, oh, ow);
    }

    /** {@return the rows of the im2col matrix: one per output pixel} */
    public long patches() {
        return (long) n * oh * ow;
    }

    /** {@return whether every window lies inside the image (no padding reached, no dilation): the fast paths' condition} */
    public boolean windowsInside() {
        return padTop == 0 && padLeft == 0 && dh == 1 && dw == 1 && (oh - 1) * sh + kh <= h && (ow - 1) * sw + kw <= w;
    }

    /**
     * The input row that tap {@code ky} of output row {@code oy} reads.
     *
     * @param oy the output row
     * @param ky the window row
     * @return the input row; outside {@code [0, h)} where it falls in the padding
     */
    public int inputRow(int oy, int ky) {
        return oy * sh - padTop + ky * dh;
    }

    /**
     * The input column that tap {@code kx} of output column {@code ox} reads.
     *
     * @param ox the output column
     * @param kx the window column
     * @return the input column; outside {@code [0, w)} in the padding
     */
    public int inputCol(int ox, int kx) {
        return ox * sw - padLeft + kx * dw;
    }

    /** {@return the columns of the im2col matrix: one per (ky, kx, channel)} */
    public int patchSize() {
        return kh * kw * c;
    }
}
