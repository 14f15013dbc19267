package dev.panamax.onnx;

import dev.panamax.onnx.proto.OnnxProto.AttributeProto;
import dev.panamax.onnx.proto.OnnxProto.GraphProto;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import dev.panamax.onnx.proto.OnnxProto.NodeProto;
import dev.panamax.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import dev.panamax.onnx.proto.OnnxProto.TensorShapeProto;
import dev.panamax.onnx.proto.OnnxProto.TypeProto;
import dev.panamax.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.List;

/** Small ONNX models built in code for tests (the same bytes go to Panamax and to ONNX Runtime). */
final class Models {
    private Models() {}

    static NodeProto node(String op, List<String> in, List<String> out, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).setName(op + "_" + out.getFirst()).addAllInput(in).addAllOutput(out)
                .addAllAttribute(List.of(attrs)).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }

    static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    /** A tensor value: F32 or I64 ({@code type} 1 or 7), {@code dims} -1 for a symbolic dimension. */
    static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("n").build()
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d).build());
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    static TensorProto longs(String name, long... v) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(7).addDims(v.length);
        for (long x : v) b.addInt64Data(x);
        return b.build();
    }

    /** A 0-d int64 tensor. */
    static TensorProto scalar(String name, long v) {
        return TensorProto.newBuilder().setName(name).setDataType(7).addInt64Data(v).build();
    }

    static TensorProto floats(String name, long[] dims, float... v) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(1);
        for (long d : dims) b.addDims(d);
        for (float x : v) b.addFloatData(x);
        return b.build();
    }

    static byte[] model(int opset, List<NodeProto> nodes, List<ValueInfoProto> inputs, List<ValueInfoProto> outputs, TensorProto... init) {
        GraphProto g = GraphProto.newBuilder().setName("test").addAllNode(nodes).addAllInput(inputs).addAllOutput(outputs)
                .addAllInitializer(List.of(init)).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g).build().toByteArray();
    }
}
