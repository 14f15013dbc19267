package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;

/** {@code ln(x)}; derivative 1/x. */
public final class Log extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        return x.log();
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        return x.reciprocal();
    }

    @Override
    protected Var dfGraph(Var x, Var y) {
        return new Div().apply1(Grads.constant(1, x), x);
    }
}
