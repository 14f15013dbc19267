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

    /** A user initializer, registered with {@link #register}. */
    @FunctionalInterface
    public interface Initializer {
        /**
         * A new F32 tensor of initial values.
         *
         * @param rng the layer's random numbers
         * @param fanIn the number of inputs feeding each output unit
         * @param fanOut the number of outputs each input unit feeds
         * @param shape the tensor's shape
         * @return the values
         */
        Tensor create(Rng rng, long fanIn, long fanOut, long... shape);
    }

    private static final java.util.Map<String, Initializer> REGISTERED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Registers (or replaces) a user initializer under {@code name} (case-insensitive), so that
     * {@code layer.kernelInitializer(name)} and saved models naming it find it. Register before use or load.
     *
     * @param name the name
     * @param init makes the initial values
     */
    public static void register(String name, Initializer init) {
        REGISTERED.put(name.toLowerCase(Locale.ROOT), init);
    }

    /**
     * Removes a registration.
     *
     * @param name the name it was registered under
     */
    public static void unregister(String name) {
        REGISTERED.remove(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Initial values by Keras name, or by a name registered with {@link #register}.
     *
     * @param name the initializer's name
     * @param rng random numbers
     * @param fanIn inputs per output unit
     * @param fanOut outputs per input unit
     * @param shape the tensor's shape
     * @return a new F32 tensor
     * @throws IllegalArgumentException for an unknown name, naming the registration call
     */
    public static Tensor create(String name, Rng rng, long fanIn, long fanOut, long... shape) {
        Initializer user = REGISTERED.get(name.toLowerCase(Locale.ROOT));
        if (user != null) return user.create(rng, fanIn, fanOut, shape);
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
                    + "random_uniform, truncated_normal, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal; "
                    + "register your own with Initializers.register(\"" + name + "\", (rng, fanIn, fanOut, shape) -> ...)");
        };
    }

    /**
     * A tensor filled with one value (Keras' {@code Constant} initialiser).
     *
     * @param value the fill value
     * @param shape the tensor's shape
     * @return a new F32 tensor the caller owns
     */
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
