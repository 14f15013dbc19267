package dev.panamax.onnx.export;

import static dev.panamax.onnx.export.GraphBuilder.attr;

import java.util.List;
import java.util.Locale;

/** Panamax's activations by name ({@code nn.Activations}) as ONNX nodes, each computing what Panamax computes. */
final class Activations {
    private Activations() {}

    /**
     * Writes activation {@code name} of {@code x}; returns the result ({@code x} itself for linear). {@code softmaxAxis}
     * is the channel axis in the graph's layout.
     */
    static String write(GraphBuilder g, String name, String x, String hint, long softmaxAxis, String where) {
        return switch (name == null ? "linear" : name.toLowerCase(Locale.ROOT)) {
            case "linear", "none" -> x;
            case "relu" -> g.node("Relu", hint + "/Relu", List.of(x));
            case "sigmoid" -> g.node("Sigmoid", hint + "/Sigmoid", List.of(x));
            case "tanh" -> g.node("Tanh", hint + "/Tanh", List.of(x));
            case "softmax" -> g.node("Softmax", hint + "/Softmax", List.of(x), attr("axis", softmaxAxis));
            case "elu" -> g.node("Elu", hint + "/Elu", List.of(x), attr("alpha", 1f));
            case "leaky_relu" -> g.node("LeakyRelu", hint + "/LeakyRelu", List.of(x), attr("alpha", 0.2f));  // nn.Activations' slope
            case "silu", "swish" -> g.node("Mul", hint + "/Silu", List.of(x, g.node("Sigmoid", hint + "/Sigmoid", List.of(x))));
            case "gelu" -> gelu(g, x, hint, false);
            default -> throw new IllegalArgumentException(where + ": activation '" + name + "' has no ONNX form in the exporter");
        };
    }

    /**
     * GELU by its formula (opset 17 has no Gelu operator): {@code x·(1 + erf(x/√2))·0.5}, in the node order the
     * importer fuses back into one kernel, or GPT-2's {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}.
     */
    static String gelu(GraphBuilder g, String x, String hint, boolean tanh) {
        String one = g.scalar("const_1", 1f), half = g.scalar("const_0.5", 0.5f);
        if (!tanh) {
            String scaled = g.node("Div", hint + "/Gelu/Div", List.of(x, g.scalar("const_sqrt2", (float) Math.sqrt(2))));
            String erf = g.node("Erf", hint + "/Gelu/Erf", List.of(scaled));
            String plus = g.node("Add", hint + "/Gelu/Add", List.of(erf, one));
            String times = g.node("Mul", hint + "/Gelu/Mul", List.of(x, plus));
            return g.node("Mul", hint + "/Gelu", List.of(times, half));
        }
        String x2 = g.node("Mul", hint + "/Gelu/Square", List.of(x, x));
        String x3 = g.node("Mul", hint + "/Gelu/Cube", List.of(x2, x));
        String c = g.node("Mul", hint + "/Gelu/Mul", List.of(x3, g.scalar("const_0.044715", 0.044715f)));
        String inner = g.node("Add", hint + "/Gelu/Add", List.of(x, c));
        String scaled = g.node("Mul", hint + "/Gelu/Scale", List.of(inner, g.scalar("const_sqrt_2_over_pi", (float) Math.sqrt(2 / Math.PI))));
        String t = g.node("Tanh", hint + "/Gelu/Tanh", List.of(scaled));
        String plus = g.node("Add", hint + "/Gelu/Add1", List.of(t, one));
        String halfX = g.node("Mul", hint + "/Gelu/Half", List.of(x, half));
        return g.node("Mul", hint + "/Gelu", List.of(halfX, plus));
    }
}
