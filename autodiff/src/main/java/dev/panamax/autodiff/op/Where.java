package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** {@code cond ? a : b} with broadcasting; the gradient goes to a where cond holds, to b elsewhere. */
public final class Where extends Function {
    private final Tensor cond;

    /** {@code cond} is a U8 mask, a constant of the op. */
    public Where(Tensor cond) {
        this.cond = cond;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        ctx.save(cond);
        return new Tensor[] {Tensor.where(cond, in[0], in[1])};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor c = ctx.saved(0);
        Tensor da = null, db = null;
        try (Tensor zero = Tensor.scalar(0, g[0].dtype())) {
            if (ctx.needsInputGrad(0)) {
                try (Tensor t = Tensor.where(c, g[0], zero)) {
                    da = Grads.sumTo(t, ctx.inputShape(0));
                }
            }
            if (ctx.needsInputGrad(1)) {
                try (Tensor t = Tensor.where(c, zero, g[0])) {
                    db = Grads.sumTo(t, ctx.inputShape(1));
                }
            }
        }
        return new Tensor[] {da, db};
    }
}
