package dev.panamax.nn;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** Activation functions by Keras name: relu, sigmoid, tanh, softmax, gelu, elu, leaky_relu, silu, linear. */
public final class Activations {
    private Activations() {}

    public static UnaryOperator<Var> byName(String name) {
        return switch (name == null ? "linear" : name.toLowerCase(Locale.ROOT)) {
            case "linear", "none" -> v -> v;
            case "relu" -> F::relu;
            case "sigmoid" -> F::sigmoid;
            case "tanh" -> F::tanh;
            case "softmax" -> v -> F.softmax(v, -1);
            case "gelu" -> F::gelu;
            case "elu" -> v -> F.elu(v, 1.0);
            case "leaky_relu" -> v -> F.leakyRelu(v, 0.2);  // Keras' default negative slope
            case "silu", "swish" -> F::silu;
            default -> throw new IllegalArgumentException("unknown activation '" + name
                    + "'; known: relu, sigmoid, tanh, softmax, gelu, elu, leaky_relu, silu, linear");
        };
    }
}
