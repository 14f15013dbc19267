package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;

/** {@code sqrt(x)}; derivative 1/(2·sqrt(x)) = 0.5/y. */
public final class Sqrt extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        return x.sqrt();
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        try (Tensor r = y.reciprocal()) { return r.mul(0.5); }
    }

    @Override
    protected Var dfGraph(Var x, Var y) {
        return new Div().apply1(Grads.constant(0.5, y), y);
    }
}
