package dev.panamax.onnx;

import static dev.panamax.onnx.Models.model;
import static dev.panamax.onnx.Models.node;
import static dev.panamax.onnx.Models.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.onnx.ops.OptionalValue;
import dev.panamax.onnx.ops.Sequence;
import dev.panamax.onnx.ops.StringTensor;
import dev.panamax.onnx.proto.OnnxProto.AttributeProto;
import dev.panamax.onnx.proto.OnnxProto.TypeProto;
import dev.panamax.onnx.proto.OnnxProto.ValueInfoProto;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values beyond numeric tensors (sequences, optionals, strings) and the storage types, through small models. */
class ValuesTest {
    private static ValueInfoProto sequenceOfFloats(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder()
                .setElemType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))))).build();
    }

    private static AttributeProto to(int type) {
        return AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(type).build();
    }

    @Test
    void sequencesAreBuiltIndexedAndReturned() {
        byte[] bytes = model(17, List.of(
                        node("SequenceConstruct", List.of("a", "b"), List.of("s")),
                        node("SequenceInsert", List.of("s", "a", "zero"), List.of("s2")),   // [a, a, b]
                        node("SequenceAt", List.of("s2", "minus1"), List.of("last")),      // b
                        node("SequenceLength", List.of("s2"), List.of("n")),
                        node("Optional", List.of("last"), List.of("o")),
                        node("OptionalHasElement", List.of("o"), List.of("has"))),
                List.of(value("a", 1, 2), value("b", 1, 3)),
                List.of(sequenceOfFloats("s2"), value("last", 1, 3), value("n", 7), value("has", 9)),
                Models.scalar("zero", 0), Models.scalar("minus1", -1));
        try (OnnxModel m = OnnxModel.load(bytes); MemoryScope s = MemoryScope.open("t")) {
            Map<String, Object> out = m.runValues(Map.of("a", Tensor.of(new float[] {1, 2}, 2), "b", Tensor.of(new float[] {3, 4, 5}, 3)));
            Sequence seq = (Sequence) out.get("s2");
            assertEquals(3, seq.items().size());
            assertArrayEquals(new float[] {1, 2}, ((Tensor) seq.items().get(0)).toFloatArray());
            assertArrayEquals(new float[] {3, 4, 5}, ((Tensor) seq.items().get(2)).toFloatArray());
            assertArrayEquals(new float[] {3, 4, 5}, ((Tensor) out.get("last")).toFloatArray());
            assertEquals(3, ((Tensor) out.get("n")).toLongArray()[0]);
            assertEquals(1, ((Tensor) out.get("has")).toLongArray()[0]);
            // A sequence output cannot come back from run(), which promises tensors.
            var e = assertThrows(IllegalArgumentException.class, () -> m.run(Map.of("a", Tensor.of(new float[] {1, 2}, 2), "b", Tensor.of(new float[] {3, 4, 5}, 3))));
            assertTrue(e.getMessage().contains("output 's2' is a sequence"), e.getMessage());
        }
    }

    @Test
    void identityPassesASequenceAndAnEmptyOptional() {
        ValueInfoProto opt = ValueInfoProto.newBuilder().setName("o").setType(TypeProto.newBuilder().setOptionalType(
                TypeProto.Optional.newBuilder().setElemType(sequenceOfFloats("x").getType()))).build();
        byte[] bytes = model(16, List.of(node("Identity", List.of("x"), List.of("y")), node("Identity", List.of("o"), List.of("p"))),
                List.of(sequenceOfFloats("x"), opt), List.of(sequenceOfFloats("y"), opt.toBuilder().setName("p").build()));
        try (OnnxModel m = OnnxModel.load(bytes); MemoryScope s = MemoryScope.open("t")) {
            Map<String, Object> out = m.runValues(Map.of("x", new Sequence(List.of(Tensor.of(new float[] {7}, 1))), "o", OptionalValue.EMPTY));
            assertArrayEquals(new float[] {7}, ((Tensor) ((Sequence) out.get("y")).items().getFirst()).toFloatArray());
            assertEquals(OptionalValue.EMPTY, out.get("p"));
            var e = assertThrows(IllegalArgumentException.class, () -> m.runValues(Map.of("x", Tensor.of(new float[] {7}, 1), "o", OptionalValue.EMPTY)));
            assertTrue(e.getMessage().contains("input 'x' is a tensor but the model declares x sequence"), e.getMessage());
        }
    }

    @Test
    void castsBetweenFloatsAndStringsAsNumPy() {
        byte[] toStrings = model(13, List.of(node("Cast", List.of("x"), List.of("y"), to(8))), List.of(value("x", 1, 6)), List.of(value("y", 8, 6)));
        byte[] toFloats = model(13, List.of(node("Cast", List.of("x"), List.of("y"), to(1))), List.of(value("x", 8, 5)), List.of(value("y", 1, 5)));
        try (OnnxModel a = OnnxModel.load(toStrings); OnnxModel b = OnnxModel.load(toFloats); MemoryScope s = MemoryScope.open("t")) {
            Object y = a.runValues(Map.of("x", Tensor.of(new float[] {0.1f, 1, 1e-5f, 1.5e16f, -0f, Float.NaN}, 6))).get("y");
            // NumPy's str(np.float32(v)): shortest round-trip digits, positional from 1e-4 to 1e16, else e-notation.
            assertEquals(new StringTensor(new long[] {6}, new String[] {"0.1", "1.0", "1e-05", "1.5e+16", "-0.0", "nan"}), y);
            Object f = b.runValues(Map.of("x", new StringTensor(new long[] {5}, new String[] {" 2.5 ", "-INF", "+inf", "NaN", "1e3"}))).get("y");
            float[] got = ((Tensor) f).toFloatArray();
            assertArrayEquals(new float[] {2.5f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 1000f}, got);
            var e = assertThrows(IllegalArgumentException.class, () -> b.runValues(Map.of("x", new StringTensor(new long[] {5}, new String[] {"x", "1", "1", "1", "1"}))));
            assertTrue(e.getMessage().contains("could not convert string to float: 'x'"), e.getMessage());
        }
    }

    @Test
    void storageTypesComputeWideAndRoundBack() {
        // float16: 1 + 2^-11 is exact in float32 but halfway between two float16s: the sum rounds to even, 1.0.
        byte[] f16 = model(14, List.of(node("Add", List.of("x", "y"), List.of("z"))), List.of(value("x", 10, 2), value("y", 10, 2)), List.of(value("z", 10, 2)));
        // int8: 100 + 100 wraps to -56, as it does in int8 arithmetic.
        byte[] i8 = model(14, List.of(node("Add", List.of("x", "y"), List.of("z"))), List.of(value("x", 3, 1), value("y", 3, 1)), List.of(value("z", 3, 1)));
        try (OnnxModel a = OnnxModel.load(f16); OnnxModel b = OnnxModel.load(i8); MemoryScope s = MemoryScope.open("t")) {
            Tensor z = a.runSingle(Map.of("x", Tensor.of(new double[] {1, 1}, 2).to(DType.F16), "y", Tensor.of(new double[] {0x1p-11, 0x1p-10}, 2).to(DType.F16)));
            assertEquals(DType.F16, z.dtype());
            assertArrayEquals(new double[] {1, 1 + 0x1p-10}, z.toDoubleArray());
            Tensor w = b.runSingle(Map.of("x", Tensor.of(new long[] {100}, 1).to(DType.I8), "y", Tensor.of(new long[] {100}, 1).to(DType.I8)));
            assertEquals(DType.I8, w.dtype());
            assertArrayEquals(new long[] {-56}, w.toLongArray());
        }
    }
}
