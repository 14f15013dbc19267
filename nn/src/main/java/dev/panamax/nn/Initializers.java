package dev.panamax.nn;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.util.Locale;

/**
 * Weight initialisers with Keras' definitions, all drawn from an explicit seeded {@link Rng}.
 * {@code fanIn}/{@code fanOut} follow Keras: for a kernel (KH, KW, C, F), fanIn = KH·KW·C and fanOut = KH·KW·F.
 */
public final class Initializers {
    /** Standard deviation of a unit normal truncated at ±2: Keras' variance-scaling initialisers divide by it. */
    static final double TRUNCATION = 0.87962566103423978;

    private Initializers() {}

    public static Tensor create(String name, Rng rng, long fanIn, long fanOut, long... shape) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "zeros" -> Tensor.zeros(DType.F32, shape);
            case "ones" -> Tensor.ones(DType.F32, shape);
            case "random_normal" -> Tensor.normal(rng, 0, 0.05, DType.F32, shape);
            case "random_uniform" -> Tensor.uniform(rng, -0.05, 0.05, DType.F32, shape);
            case "truncated_normal" -> truncatedNormal(rng, 0.05, shape);
            case "glorot_uniform", "xavier_uniform" -> uniform(rng, Math.sqrt(6.0 / (fanIn + fanOut)), shape);
            case "glorot_normal", "xavier_normal" -> truncatedNormal(rng, Math.sqrt(2.0 / (fanIn + fanOut)) / TRUNCATION, shape);
            case "he_uniform", "kaiming_uniform" -> uniform(rng, Math.sqrt(6.0 / fanIn), shape);
            case "he_normal", "kaiming_normal" -> truncatedNormal(rng, Math.sqrt(2.0 / fanIn) / TRUNCATION, shape);
            case "lecun_uniform" -> uniform(rng, Math.sqrt(3.0 / fanIn), shape);
            case "lecun_normal" -> truncatedNormal(rng, Math.sqrt(1.0 / fanIn) / TRUNCATION, shape);
            default -> throw new IllegalArgumentException("unknown initializer '" + name + "'; known: zeros, ones, random_normal, "
                    + "random_uniform, truncated_normal, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal");
        };
    }

    public static Tensor constant(double value, long... shape) {
        return Tensor.full(DType.F32, value, shape);
    }

    private static Tensor uniform(Rng rng, double limit, long... shape) {
        return Tensor.uniform(rng, -limit, limit, DType.F32, shape);
    }

    /** Normal with deviation {@code std} before truncation, redrawn beyond two deviations (Keras' truncated normal). */
    private static Tensor truncatedNormal(Rng rng, double std, long... shape) {
        double s = std;
        long n = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] v = new float[(int) n];
        for (int i = 0; i < n; i++) {
            double x;
            do {
                x = rng.normal((rng.reserve(3) + 1) / 2, false);  // a whole pair of fresh draws
            } while (Math.abs(x) > 2);
            v[i] = (float) (x * s);
        }
        return Tensor.of(v, shape);
    }
}
