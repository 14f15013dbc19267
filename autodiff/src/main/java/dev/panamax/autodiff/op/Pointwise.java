package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/**
 * A one-input elementwise op: {@code y = f(x)}, {@code dx = g · f'(x, y)}. Subclasses give f and f' side by
 * side; x and y are saved for the derivative.
 */
public abstract class Pointwise extends Function {
    /** y = f(x). */
    protected abstract Tensor f(Tensor x);

    /** f'(x) elementwise, given x and y = f(x). */
    protected abstract Tensor df(Tensor x, Tensor y);

    @Override
    protected final Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor y = f(in[0]);
        ctx.save(in[0], y);
        return new Tensor[] {y};
    }

    @Override
    protected final Tensor[] backward(Ctx ctx, Tensor... g) {
        try (Tensor d = df(ctx.saved(0), ctx.saved(1))) {
            return new Tensor[] {g[0].mul(d)};
        }
    }

    /**
     * f'(x) as a differentiable expression of the variables x and y = f(x), for higher-order gradients; null (the
     * default) when the op has none.
     *
     * @param x the input
     * @param y the recorded output
     * @return f'(x), or null
     */
    protected Var dfGraph(Var x, Var y) {
        return null;
    }

    @Override
    protected final Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        Var d = dfGraph(in[0], out[0]);
        return d == null ? null : new Var[] {Grads.mul(g[0], d)};
    }
}
