package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Activation functions by Keras name: relu, sigmoid, tanh, softmax, gelu, elu, leaky_relu, silu, linear, and those a
 * user registers with {@link #register}, so that a layer naming one (and a saved model holding that layer) finds it.
 */
public final class Activations {
    private static final Map<String, UnaryOperator<Var>> REGISTERED = new ConcurrentHashMap<>();

    private Activations() {}

    /**
     * Registers (or replaces) a user activation under {@code name} (case-insensitive); register it before a layer
     * or a saved model names it. Built-in names cannot be replaced.
     *
     * @param name the name layers and configs use
     * @param fn the function, composed of {@code F.*} ops
     */
    public static void register(String name, UnaryOperator<Var> fn) {
        String key = name.toLowerCase(Locale.ROOT);
        if (builtIn(key) != null) throw new IllegalArgumentException("Activations.register: '" + name + "' is a built-in activation");
        REGISTERED.put(key, fn);
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
     * The activation called {@code name}: a built-in or a registered one.
     *
     * @param name the name (null means linear)
     * @return the function
     * @throws IllegalArgumentException for an unknown name, listing the known ones and the registration call
     */
    public static UnaryOperator<Var> byName(String name) {
        String key = name == null ? "linear" : name.toLowerCase(Locale.ROOT);
        UnaryOperator<Var> user = REGISTERED.get(key);
        if (user != null) return user;
        UnaryOperator<Var> known = builtIn(key);
        if (known == null) {
            throw new IllegalArgumentException("unknown activation '" + name + "'; known: relu, sigmoid, tanh, softmax, gelu, elu, "
                    + "leaky_relu, silu, linear" + (REGISTERED.isEmpty() ? "" : ", " + String.join(", ", REGISTERED.keySet()))
                    + "; register your own with Activations.register(\"" + name + "\", fn)");
        }
        return known;
    }

    /** The built-in activation, or null. */
    private static UnaryOperator<Var> builtIn(String key) {
        return switch (key) {
            case "linear", "none" -> v -> v;
            case "relu" -> F::relu;
            case "sigmoid" -> F::sigmoid;
            case "tanh" -> F::tanh;
            case "softmax" -> v -> F.softmax(v, -1);
            case "gelu" -> F::gelu;
            case "elu" -> v -> F.elu(v, 1.0);
            case "leaky_relu" -> v -> F.leakyRelu(v, 0.2);  // Keras' default negative slope
            case "silu", "swish" -> F::silu;
            default -> null;
        };
    }
}
