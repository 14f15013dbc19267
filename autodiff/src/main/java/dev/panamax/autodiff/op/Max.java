package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/**
 * Maximum over {@code axes}; the gradient is shared equally among the elements equal to the maximum (like
 * PyTorch's {@code amax}), so ties never double-count.
 */
public final class Max extends Function {
    private final int[] axes;
    private final boolean keepdim;

    public Max(int[] axes, boolean keepdim) {
        this.axes = axes == null ? new int[0] : axes.clone();
        this.keepdim = keepdim;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor m = in[0].max(axes, true);
        ctx.save(in[0], m);
        try (m) {
            return new Tensor[] {keepdim ? m.reshape(m.shape()) : m.reshape(Reductions.reducedShape(in[0].shape(), axes))};
        }
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0), m = ctx.saved(1);
        try (Tensor hit = x.eq(m); Tensor mask = hit.to(x.dtype()); Tensor count = mask.sum(axes, true);
             Tensor gk = g[0].reshape(m.shape()); Tensor share = gk.div(count)) {
            return new Tensor[] {mask.mul(share)};
        }
    }
}
