package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * Patch extraction {@code x (N, H, W, C) → cols (N·OH·OW, KH·KW·C)}; its gradient folds the patches back
 * (col2im, overlapping windows add up). Convolution and pooling are composed from it (see {@code
 * F.conv2d}). F32 and F64.
 */
public final class Im2col extends Function {
    private final Window window;
    private final double pad;

    public Im2col(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding) {
        this(kh, kw, sh, sw, dh, dw, padding, 0.0);
    }

    /** With {@code pad} written where a window hangs over the edge (-∞ for max pooling). */
    public Im2col(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding, double pad) {
        this.pad = pad;
        this.window = new Window(kh, kw, sh, sw, dh, dw, padding);
    }

    /** The geometry for an input of this shape. */
    public Conv2dShape shapeFor(long[] x) {
        return window.over(x, 0, "conv/pool");
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0];
        if (!x.dtype().isFloating()) throw new IllegalArgumentException("conv/pool: input must be F32 or F64, got " + x.dtype());
        return new Tensor[] {Backend.of(x).im2col(shapeFor(x.shape()), x, pad)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        if (!ctx.needsInputGrad(0)) return new Tensor[] {null};  // a network's input image: nothing to fold back
        return new Tensor[] {Backend.of(g[0]).col2im(shapeFor(ctx.inputShape(0)), g[0])};
    }
}
