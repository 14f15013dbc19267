package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** {@code x[start:end:step]} along {@code axis}; the gradient is written into those positions of zeros. */
public final class Slice extends Function {
    private final int axis;
    private final long start, end, step;

    public Slice(int axis, long start, long end, long step) {
        this.axis = axis;
        this.start = start;
        this.end = end;
        this.step = step;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {in[0].slice(axis, start, end, step)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor dx = Tensor.zeros(g[0].dtype(), ctx.inputShape(0));
        try (Tensor part = dx.slice(axis, start, end, step)) {
            part.copyFrom(g[0]);
        }
        return new Tensor[] {dx};
    }
}
