package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;

/** {@code 1/(1+exp(-x))}; derivative y·(1-y). */
public final class Sigmoid extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        return x.sigmoid();
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        try (Tensor one = y.neg(); Tensor om = one.add(1)) { return y.mul(om); }
    }

    @Override
    protected Var dfGraph(Var x, Var y) {
        return Grads.mul(y, new Sub().apply1(Grads.constant(1, y), y));
    }
}
