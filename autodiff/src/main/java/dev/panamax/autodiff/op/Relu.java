package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;

/** {@code max(x, 0)}; derivative 1 where x > 0, else 0 (0 at 0, as in PyTorch). */
public final class Relu extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        return x.relu();
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        return x.step();
    }

    /** The step is constant almost everywhere: its own derivative is zero, so it enters as a constant mask. */
    @Override
    protected Var dfGraph(Var x, Var y) {
        return Var.of(x.value().step());
    }
}
