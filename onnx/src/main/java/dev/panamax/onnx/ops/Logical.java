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
            // ONNX shifts unsigned types only: uint8 here, the wider ones widened by StorageTypes (uint16 in I32, uint32
            // and uint64 in I64, never negative but for uint64's top bit, which >>> shifts as unsigned) and narrowed back.
            return in -> {
                DType t = in[0].dtype();
                if (t != DType.U8 && t != DType.I32 && t != DType.I64) {
                    throw new IllegalArgumentException("BitShift of " + t + " is not supported (unsigned types only)");
                }
                long mask = t == DType.U8 ? 0xff : -1;
                return new Tensor[] {Ref.zipLongs(in[0], in[1], t, (a, b) -> b >= 64 ? 0 : (left ? a << b : a >>> b) & mask)};
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
