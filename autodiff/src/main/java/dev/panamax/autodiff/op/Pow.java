package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** {@code a ^ b} with broadcasting: d/da = g·b·a^(b-1), d/db = g·a^b·ln(a) (defined for a > 0). */
public final class Pow extends Function {
    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor out = in[0].pow(in[1]);
        ctx.save(in[0], in[1], out);
        return new Tensor[] {out};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor a = ctx.saved(0), b = ctx.saved(1), out = ctx.saved(2);
        Tensor da = null, db = null;
        if (ctx.needsInputGrad(0)) {
            try (Tensor bm1 = b.sub(1); Tensor p = a.pow(bm1); Tensor t = p.mul(b); Tensor gt = g[0].mul(t)) {
                da = Grads.sumTo(gt, ctx.inputShape(0));
            }
        }
        if (ctx.needsInputGrad(1)) {
            try (Tensor ln = a.log(); Tensor t = out.mul(ln); Tensor gt = g[0].mul(t)) {
                db = Grads.sumTo(gt, ctx.inputShape(1));
            }
        }
        return new Tensor[] {da, db};
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        Var da = null, db = null;
        if (ctx.needsInputGrad(0)) {
            Var p = new Pow().apply1(in[0], new Sub().apply1(in[1], Grads.constant(1, in[1])));
            da = Grads.sumTo(Grads.mul(g[0], Grads.mul(in[1], p)), ctx.inputShape(0));
        }
        if (ctx.needsInputGrad(1)) db = Grads.sumTo(Grads.mul(g[0], Grads.mul(out[0], new Log().apply1(in[0]))), ctx.inputShape(1));
        return new Var[] {da, db};
    }
}
