package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** {@code a - b} with broadcasting: d/da = g, d/db = -g (each summed to its input's shape). */
public final class Sub extends Function {
    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {in[0].sub(in[1])};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor db = null;
        if (ctx.needsInputGrad(1)) {
            try (Tensor s = Grads.sumTo(g[0], ctx.inputShape(1))) {
                db = s.neg();
            }
        }
        return new Tensor[] {ctx.needsInputGrad(0) ? Grads.sumTo(g[0], ctx.inputShape(0)) : null, db};
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        return new Var[] {ctx.needsInputGrad(0) ? Grads.sumTo(g[0], ctx.inputShape(0)) : null,
                          ctx.needsInputGrad(1) ? Grads.sumTo(new Neg().apply1(g[0]), ctx.inputShape(1)) : null};
    }
}
