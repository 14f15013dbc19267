package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;

/**
 * The value of a {@code Constant} node. The runtime turns these into constants when it loads the graph (they
 * never run as kernels), so the tensor belongs to the loaded model.
 */
public final class Constants {
    private Constants() {}

    /** The tensor a {@code Constant} node's attributes hold (one of value, value_float(s), value_int(s)). */
    public static Tensor of(Attributes a) {
        var t = a.t("value");
        if (t != null) return TensorProtos.toTensor(t, null);
        if (a.has("value_float")) return Tensor.scalar(a.f("value_float", 0), DType.F32);
        if (a.has("value_int")) return Tensor.of(new long[] {a.i("value_int", 0)});
        float[] fs = a.floats("value_floats");
        if (fs != null) return Tensor.of(fs, fs.length);
        long[] is = a.ints("value_ints");
        if (is != null) return Tensor.of(is, is.length);
        throw new IllegalArgumentException("Constant without a supported value (value, value_float(s), value_int(s)); sparse and string constants are not supported");
    }
}
