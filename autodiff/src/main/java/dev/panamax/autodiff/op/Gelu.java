package dev.panamax.autodiff.op;

import dev.panamax.tensors.Tensor;

/**
 * Exact GELU, {@code x·Φ(x)} with Φ the standard normal CDF (PyTorch's and Keras' default, not the tanh
 * approximation); derivative {@code Φ(x) + x·φ(x)}. Φ comes from a double-precision erf.
 */
public final class Gelu extends Pointwise {
    @Override
    protected Tensor f(Tensor x) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = v[i] * cdf(v[i]);
        try (Tensor t = Tensor.of(v, x.shape())) {
            return t.to(x.dtype());
        }
    }

    @Override
    protected Tensor df(Tensor x, Tensor y) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = cdf(v[i]) + v[i] * Math.exp(-0.5 * v[i] * v[i]) / Math.sqrt(2 * Math.PI);
        try (Tensor t = Tensor.of(v, x.shape())) {
            return t.to(x.dtype());
        }
    }

    static double cdf(double x) {
        return 0.5 * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf to about 1e-15 relative: Taylor series near 0, continued fraction for erfc further out. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double sum = x, term = x, x2 = x * x;
            for (int n = 1; n < 80; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc(x) = exp(-x²)/sqrt(pi) · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated from the tail (Lentz-free).
        double f = 0;
        for (int n = 60; n >= 1; n--) f = (n / 2.0) / (ax + f);
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        return Math.signum(x) * (1 - erfc);
    }

}
