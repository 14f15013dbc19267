package dev.panamax.autodiff.op;

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
}
