package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;

/** {@code exp(x)}; derivative exp(x) = y. */
public final class Exp extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        return x.exp();
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        return y.reshape(y.shape());
    }

    @Override
    protected Var dfGraph(Var x, Var y) {
        return y;
    }
}
