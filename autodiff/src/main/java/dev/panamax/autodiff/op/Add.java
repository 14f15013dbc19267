package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** {@code a + b} with broadcasting; each input's gradient is the output's, summed over its broadcast axes. */
public final class Add extends Function {
    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {in[0].add(in[1])};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        return new Tensor[] {
            ctx.needsInputGrad(0) ? Grads.sumTo(g[0], ctx.inputShape(0)) : null,
            ctx.needsInputGrad(1) ? Grads.sumTo(g[0], ctx.inputShape(1)) : null};
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        return new Var[] {ctx.needsInputGrad(0) ? Grads.sumTo(g[0], ctx.inputShape(0)) : null,
                          ctx.needsInputGrad(1) ? Grads.sumTo(g[0], ctx.inputShape(1)) : null};
    }
}
