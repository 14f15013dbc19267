package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;

/** {@code tanh(x)}; derivative 1-y². */
public final class Tanh extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        return x.tanh();
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        try (Tensor y2 = y.square(); Tensor n = y2.neg()) { return n.add(1); }
    }

    @Override
    protected Var dfGraph(Var x, Var y) {
        return new Sub().apply1(Grads.constant(1, y), Grads.mul(y, y));
    }
}
