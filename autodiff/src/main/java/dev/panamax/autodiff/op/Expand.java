package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** Broadcast view to a larger shape; the gradient is summed back over the broadcast dimensions. */
public final class Expand extends Function {
    private final long[] shape;

    public Expand(long... shape) {
        this.shape = shape.clone();
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {in[0].expand(shape)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        return new Tensor[] {Grads.sumTo(g[0], ctx.inputShape(0))};
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        return new Var[] {Grads.sumTo(g[0], ctx.inputShape(0))};
    }
}
