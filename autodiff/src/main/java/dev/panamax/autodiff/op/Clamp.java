package dev.panamax.autodiff.op;

import dev.panamax.tensors.Tensor;

/** {@code min(max(x, lo), hi)}; the gradient passes where {@code lo <= x <= hi} (PyTorch's convention). */
public final class Clamp extends Pointwise {
    private final double lo, hi;

    public Clamp(double lo, double hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: min " + lo + " is greater than max " + hi);
        this.lo = lo;
        this.hi = hi;
    }

    @Override
    protected Tensor f(Tensor x) {
        return x.clamp(lo, hi);
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        try (Tensor a = x.ge(lo); Tensor b = x.le(hi); Tensor both = a.mul(b)) {
            return both.to(x.dtype());
        }
    }
}
