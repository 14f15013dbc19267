package dev.panamax.kernels.spec;

/** The error function in double precision: the definition behind {@link UnaryOp#ERF} and the exact GELU. */
public final class Erf {
    private Erf() {}

    /**
     * erf to about 1e-15 relative: Taylor series near 0, a continued fraction for erfc further out.
     *
     * @param x any value
     * @return erf(x) in [-1, 1]; NaN for NaN
     */
    public static double erf(double x) {
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
        // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated from the tail.
        double f = 0;
        for (int n = 60; n >= 1; n--) f = (n / 2.0) / (ax + f);
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        return Math.signum(x) * (1 - erfc);
    }
}
