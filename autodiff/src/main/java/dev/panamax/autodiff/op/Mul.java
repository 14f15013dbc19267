package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** {@code a · b} with broadcasting: d/da = g·b, d/db = g·a. */
public final class Mul extends Function {
    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        ctx.save(in[0], in[1]);
        return new Tensor[] {in[0].mul(in[1])};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor da = null, db = null;
        if (ctx.needsInputGrad(0)) {
            try (Tensor t = g[0].mul(ctx.saved(1))) {
                da = Grads.sumTo(t, ctx.inputShape(0));
            }
        }
        if (ctx.needsInputGrad(1)) {
            try (Tensor t = g[0].mul(ctx.saved(0))) {
                db = Grads.sumTo(t, ctx.inputShape(1));
            }
        }
        return new Tensor[] {da, db};
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        return new Var[] {ctx.needsInputGrad(0) ? Grads.sumTo(Grads.mul(g[0], in[1]), ctx.inputShape(0)) : null,
                          ctx.needsInputGrad(1) ? Grads.sumTo(Grads.mul(g[0], in[0]), ctx.inputShape(1)) : null};
    }
}
