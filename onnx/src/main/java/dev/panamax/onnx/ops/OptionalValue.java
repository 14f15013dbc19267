package dev.panamax.onnx.ops;

/** An ONNX optional: a tensor or sequence it owns, or none ({@code value} null). */
public record OptionalValue(Object value) {
    /** The optional that holds nothing. */
    public static final OptionalValue EMPTY = new OptionalValue(null);
}
