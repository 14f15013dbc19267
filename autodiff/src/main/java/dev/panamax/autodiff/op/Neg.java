package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;

/** {@code -x}; derivative -1. */
public final class Neg extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        return x.neg();
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        return Tensor.full(x.dtype(), -1, x.shape());
    }

    @Override
    protected Var dfGraph(Var x, Var y) {
        return Grads.constant(-1, x);
    }
}
