package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** Same data, new shape; the gradient is reshaped back. */
public final class Reshape extends Function {
    private final long[] shape;

    public Reshape(long... shape) {
        this.shape = shape.clone();
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {in[0].reshape(shape)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        return new Tensor[] {g[0].reshape(ctx.inputShape(0))};
    }

    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        return new Var[] {new Reshape(ctx.inputShape(0)).apply1(g[0])};
    }
}
