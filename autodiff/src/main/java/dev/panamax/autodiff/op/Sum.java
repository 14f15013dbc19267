package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** Sum over {@code axes} (all when empty); the gradient is the output's, broadcast back over those axes. */
public final class Sum extends Function {
    private final int[] axes;
    private final boolean keepdim;

    public Sum(int[] axes, boolean keepdim) {
        this.axes = axes == null ? new int[0] : axes.clone();
        this.keepdim = keepdim;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {in[0].sum(axes, keepdim)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        long[] shape = ctx.inputShape(0);
        try (Tensor kept = g[0].reshape(Reductions.keptShape(shape, axes)); Tensor e = kept.expand(shape)) {
            return new Tensor[] {e.contiguous()};
        }
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        long[] shape = ctx.inputShape(0);
        return new Var[] {new Expand(shape).apply1(new Reshape(Reductions.keptShape(shape, axes)).apply1(g[0]))};
    }
}
