package dev.panamax.onnx.graph;

import dev.panamax.onnx.proto.OnnxProto.TensorShapeProto;
import dev.panamax.onnx.proto.OnnxProto.ValueInfoProto;
import dev.panamax.tensors.DType;
import java.util.Arrays;

/**
 * A graph input or output as the file declares it: element type and shape, {@code -1} for a dimension that is
 * symbolic ({@code dimNames[i]} then names it, such as "batch_size") or unknown; {@code shape} is null when the
 * file gives no shape at all.
 */
public record ValueInfo(String name, DType dtype, long[] shape, String[] dimNames) {

    /** The declared type and shape of a graph input or output. */
    public static ValueInfo of(ValueInfoProto p) {
        String what = "graph value '" + p.getName() + "'";
        if (!p.getType().hasTensorType()) {
            throw new IllegalArgumentException(what + ": only tensor inputs and outputs are supported (not sequences or maps)");
        }
        var tt = p.getType().getTensorType();
        DType dt = TensorProtos.dtype(tt.getElemType(), what);
        if (!tt.hasShape()) return new ValueInfo(p.getName(), dt, null, null);
        int r = tt.getShape().getDimCount();
        long[] shape = new long[r];
        String[] names = new String[r];
        for (int i = 0; i < r; i++) {
            TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            shape[i] = d.hasDimValue() ? d.getDimValue() : -1;
            names[i] = d.hasDimParam() ? d.getDimParam() : d.hasDimValue() ? null : "?";
        }
        return new ValueInfo(p.getName(), dt, shape, names);
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
        return name + " " + TensorProtos.onnxType(dtype).name().toLowerCase(java.util.Locale.ROOT) + " " + describeShape();
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
