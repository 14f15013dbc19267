package dev.panamax.tensors.internal;

/**
 * Error messages that quote names read from files (layer types, ONNX value names, tokenizer entries) stay on one
 * line: a line break inside such a name would otherwise split the one-line error a user sees.
 */
public final class OneLine {
    private OneLine() {}

    /**
     * The message with carriage returns and line feeds written as {@code \r} and {@code \n}.
     *
     * @param message any text; {@code null} becomes {@code "null"}
     * @return the same text on one line
     */
    public static String of(String message) {
        return String.valueOf(message).replace("\r", "\\r").replace("\n", "\\n");
    }
}
