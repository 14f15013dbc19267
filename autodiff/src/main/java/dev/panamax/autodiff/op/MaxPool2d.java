package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * Max pooling over NHWC input that remembers where each maximum came from, so backward routes each output
 * gradient to exactly that input (the first of equal maxima, as PyTorch does). Windows hanging over the edge
 * ('same' padding) never pick the padding. F32 and F64.
 * <pre>
 * saves: argmax (each output's winning input index)
 * dx = Σ g routed to the winners
 * </pre>
 */
public final class MaxPool2d extends Function {
    private final Window window;

    public MaxPool2d(int kh, int kw, int sh, int sw, Conv2dShape.Padding padding) {
        this.window = new Window(kh, kw, sh, sw, 1, 1, padding);
    }

    private Conv2dShape geometry(long[] x) {
        return window.over(x, 0, "max pooling");
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor[] out = Backend.of(in[0]).maxPool2d(geometry(in[0].shape()), in[0]);
        ctx.save(out[1]);
        out[1].close();  // the context holds its own view
        return new Tensor[] {out[0]};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        return new Tensor[] {Backend.of(g[0]).maxPool2dBackward(geometry(ctx.inputShape(0)), g[0], ctx.saved(0))};
    }
}
