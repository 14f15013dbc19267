package dev.panamax.onnx.ops;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/** The boolean and integer operators: And, Or, Xor (bool as U8 0/1), BitShift and Mod, NumPy-broadcast. */
final class Logical {
    private Logical() {}

    static void register(Map<String, Operator> ops) {
        ops.put("And", (node, opset) -> in -> new Tensor[] {Ref.zipLongs(in[0], in[1], DType.U8, (a, b) -> a != 0 && b != 0 ? 1 : 0)});
        ops.put("Or", (node, opset) -> in -> new Tensor[] {Ref.zipLongs(in[0], in[1], DType.U8, (a, b) -> a != 0 || b != 0 ? 1 : 0)});
        ops.put("Xor", (node, opset) -> in -> new Tensor[] {Ref.zipLongs(in[0], in[1], DType.U8, (a, b) -> (a != 0) != (b != 0) ? 1 : 0)});
        ops.put("BitShift", (node, opset) -> {
            String dir = node.attributes().s("direction", "");
            if (!dir.equals("LEFT") && !dir.equals("RIGHT")) throw new IllegalArgumentException(node.describe() + ": direction '" + dir + "' must be LEFT or RIGHT");
            boolean left = dir.equals("LEFT");
            return in -> {
                if (in[0].dtype() != DType.U8) throw new IllegalArgumentException("BitShift of " + in[0].dtype() + " is not supported (unsigned types only)");
                return new Tensor[] {Ref.zipLongs(in[0], in[1], DType.U8, (a, b) -> (left ? a << b : a >>> b) & 0xff)};
            };
        });
        ops.put("Mod", (node, opset) -> {
            boolean fmod = node.attributes().i("fmod", 0) != 0;
            return in -> {
                DType t = in[0].dtype();
                if (t.isFloating()) {
                    // fmod=1: C's fmod (the dividend's sign); the default takes the divisor's sign, as Python's %.
                    return new Tensor[] {Ref.zip(in[0], in[1], t, (a, b) -> fmod ? a % b : a - Math.floor(a / b) * b)};
                }
                return new Tensor[] {Ref.zipLongs(in[0], in[1], t, (a, b) -> fmod ? a % b : Math.floorMod(a, b))};
            };
        });
    }
}
