package dev.panamax.onnx.conformance;

import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.onnx.ops.OptionalValue;
import dev.panamax.onnx.ops.Sequence;
import dev.panamax.onnx.ops.StringTensor;
import dev.panamax.onnx.ops.Values;
import dev.panamax.onnx.proto.OnnxDataProto.OptionalProto;
import dev.panamax.onnx.proto.OnnxDataProto.SequenceProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The node tests' data files as runtime values: tensors (numeric or string), sequences and optionals (onnx-data.proto). */
final class DataProtos {
    private DataProtos() {}

    /** A numeric tensor, or a {@link StringTensor} for ONNX's STRING type (UTF-8 in {@code string_data}). */
    static Object tensor(TensorProto p, Path dir) {
        if (p.getDataType() != TensorProto.DataType.STRING_VALUE) return TensorProtos.toTensor(p, dir);
        long[] shape = p.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return new StringTensor(shape, p.getStringDataList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new));
    }

    static Sequence sequence(SequenceProto p, Path dir) {
        List<Object> items = new ArrayList<>();
        try {
            switch (p.getElemType()) {
                case SequenceProto.DataType.TENSOR_VALUE -> p.getTensorValuesList().forEach(t -> items.add(tensor(t, dir)));
                case SequenceProto.DataType.SEQUENCE_VALUE -> p.getSequenceValuesList().forEach(s -> items.add(sequence(s, dir)));
                case SequenceProto.DataType.OPTIONAL_VALUE -> p.getOptionalValuesList().forEach(o -> items.add(optional(o, dir)));
                case SequenceProto.DataType.UNDEFINED_VALUE -> { }
                default -> throw new IllegalArgumentException("sequences of element type " + p.getElemType() + " are not supported");
            }
        } catch (RuntimeException e) {
            items.forEach(Values::close);
            throw e;
        }
        return new Sequence(items);
    }

    static OptionalValue optional(OptionalProto p, Path dir) {
        return switch (p.getElemType()) {
            case OptionalProto.DataType.TENSOR_VALUE -> p.hasTensorValue() ? new OptionalValue(tensor(p.getTensorValue(), dir)) : OptionalValue.EMPTY;
            case OptionalProto.DataType.SEQUENCE_VALUE -> p.hasSequenceValue() ? new OptionalValue(sequence(p.getSequenceValue(), dir)) : OptionalValue.EMPTY;
            case OptionalProto.DataType.UNDEFINED_VALUE -> OptionalValue.EMPTY;
            default -> throw new IllegalArgumentException("optionals of element type " + p.getElemType() + " are not supported");
        };
    }
}
