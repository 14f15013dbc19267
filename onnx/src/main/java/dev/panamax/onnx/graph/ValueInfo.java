package dev.panamax.onnx.graph;

import dev.panamax.onnx.proto.OnnxProto.TensorShapeProto;
import dev.panamax.onnx.proto.OnnxProto.ValueInfoProto;
import dev.panamax.tensors.DType;
import java.util.Arrays;

/**
 * A graph input or output as the file declares it: its kind, element type and shape, {@code -1} for a dimension
 * that is symbolic ({@code dimNames[i]} then names it, such as "batch_size") or unknown; {@code shape} is null when
 * the file gives no shape at all. Only numeric tensors have a {@code dtype}; string tensors, sequences and optionals
 * have none (null).
 */
public record ValueInfo(String name, DType dtype, long[] shape, String[] dimNames, Kind kind) {
    /** What a value is: a numeric tensor, a string tensor, a sequence or an optional. */
    public enum Kind { TENSOR, STRINGS, SEQUENCE, OPTIONAL }

    /** A numeric tensor's declaration. */
    public ValueInfo(String name, DType dtype, long[] shape, String[] dimNames) {
        this(name, dtype, shape, dimNames, Kind.TENSOR);
    }

    /** The declared type and shape of a graph input or output. */
    public static ValueInfo of(ValueInfoProto p) {
        String what = "graph value '" + p.getName() + "'";
        var type = p.getType();
        if (type.hasSequenceType()) return new ValueInfo(p.getName(), null, null, null, Kind.SEQUENCE);
        if (type.hasOptionalType()) return new ValueInfo(p.getName(), null, null, null, Kind.OPTIONAL);
        if (!type.hasTensorType()) {
            throw new IllegalArgumentException(what + ": only tensors, sequences and optionals are supported as inputs and outputs (not maps)");
        }
        var tt = type.getTensorType();
        boolean strings = tt.getElemType() == dev.panamax.onnx.proto.OnnxProto.TensorProto.DataType.STRING_VALUE;
        DType dt = strings ? null : TensorProtos.dtype(tt.getElemType(), what);
        Kind kind = strings ? Kind.STRINGS : Kind.TENSOR;
        if (!tt.hasShape()) return new ValueInfo(p.getName(), dt, null, null, kind);
        int r = tt.getShape().getDimCount();
        long[] shape = new long[r];
        String[] names = new String[r];
        for (int i = 0; i < r; i++) {
            TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            shape[i] = d.hasDimValue() ? d.getDimValue() : -1;
            names[i] = d.hasDimParam() ? d.getDimParam() : d.hasDimValue() ? null : "?";
        }
        return new ValueInfo(p.getName(), dt, shape, names, kind);
    }

    /** Checks that {@code actual} fits the declared shape; the message names the input and both shapes. */
    public void checkShape(long[] actual) {
        if (shape == null) return;
        boolean ok = actual.length == shape.length;
        for (int i = 0; ok && i < shape.length; i++) ok = shape[i] < 0 || shape[i] == actual[i];
        if (!ok) {
            throw new IllegalArgumentException("input '" + name + "' has shape " + Arrays.toString(actual) + " but the model expects "
                    + describeShape());
        }
    }

    /** Name, ONNX element type and shape, e.g. {@code input_ids int64 [batch_size, sequence_length]}. */
    public String describe() {
        return switch (kind) {
            case TENSOR -> name + " " + TensorProtos.onnxType(dtype).name().toLowerCase(java.util.Locale.ROOT) + " " + describeShape();
            case STRINGS -> name + " string " + describeShape();
            case SEQUENCE -> name + " sequence";
            case OPTIONAL -> name + " optional";
        };
    }

    /** The declared shape with symbolic dimensions by name, e.g. {@code [batch_size, sequence_length, 384]}. */
    public String describeShape() {
        if (shape == null) return "any shape";
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(", ");
            b.append(shape[i] >= 0 ? Long.toString(shape[i]) : dimNames[i]);
        }
        return b.append(']').toString();
    }
}
