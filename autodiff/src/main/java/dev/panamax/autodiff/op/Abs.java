package dev.panamax.autodiff.op;

import dev.panamax.tensors.Tensor;

/** {@code |x|}; derivative sign(x) (0 at 0, as in PyTorch). */
public final class Abs extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        return x.abs();
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        return x.sign();
    }
}
