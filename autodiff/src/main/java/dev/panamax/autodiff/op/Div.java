package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** {@code a / b} with broadcasting: d/da = g / b, d/db = -g·a / b². */
public final class Div extends Function {
    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        ctx.save(in[0], in[1]);
        return new Tensor[] {in[0].div(in[1])};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor a = ctx.saved(0), b = ctx.saved(1);
        Tensor da = null, db = null;
        if (ctx.needsInputGrad(0)) {
            try (Tensor t = g[0].div(b)) {
                da = Grads.sumTo(t, ctx.inputShape(0));
            }
        }
        if (ctx.needsInputGrad(1)) {
            try (Tensor ga = g[0].mul(a); Tensor b2 = b.square(); Tensor q = ga.div(b2); Tensor n = q.neg()) {
                db = Grads.sumTo(n, ctx.inputShape(1));
            }
        }
        return new Tensor[] {da, db};
    }

    /** d/da = g / b, d/db = -g·(a / b) / b, with a / b the recorded output. */
    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        Var da = ctx.needsInputGrad(0) ? Grads.sumTo(new Div().apply1(g[0], in[1]), ctx.inputShape(0)) : null;
        Var db = ctx.needsInputGrad(1)
                ? Grads.sumTo(new Neg().apply1(new Div().apply1(Grads.mul(g[0], out[0]), in[1])), ctx.inputShape(1)) : null;
        return new Var[] {da, db};
    }
}
