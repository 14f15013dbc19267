package dev.panamax.onnx.export;

import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.onnx.proto.OnnxProto.AttributeProto;
import dev.panamax.onnx.proto.OnnxProto.GraphProto;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import dev.panamax.onnx.proto.OnnxProto.NodeProto;
import dev.panamax.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import dev.panamax.onnx.proto.OnnxProto.TensorShapeProto;
import dev.panamax.onnx.proto.OnnxProto.TypeProto;
import dev.panamax.onnx.proto.OnnxProto.ValueInfoProto;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes one ONNX graph: nodes in order, each output a fresh value name made from a hint (the layer's name), weights
 * as initializers, inputs and outputs with symbolic dimensions ({@code dim_param}) where a size is left to the
 * caller (the batch, the sequence). What exporters share; each model kind decides which nodes to write.
 */
final class GraphBuilder {
    /** ONNX's IR version for opset 17 (the oldest that ONNX Runtime and onnx ≥ 1.12 both read). */
    static final int IR_VERSION = 8;
    /** One protobuf message may not exceed 2 GB; weights beyond that would need external data, not written here. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - (16L << 20);

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private long weightBytes;

    GraphBuilder(String name) {
        graph.setName(name);
    }

    /** {@code hint}, or {@code hint_2}, {@code hint_3}… when taken: every value and node name is unique. */
    String fresh(String hint) {
        String n = hint;
        for (int i = 2; names.contains(n); i++) n = hint + "_" + i;
        names.add(n);
        return n;
    }

    /** Adds an {@code op} node reading {@code inputs} ("" for an omitted optional one); returns its one output's name. */
    String node(String op, String hint, List<String> inputs, AttributeProto... attributes) {
        String out = fresh(hint);
        graph.addNode(NodeProto.newBuilder().setName(out).setOpType(op).addAllInput(inputs).addOutput(out).addAllAttribute(List.of(attributes)));
        return out;
    }

    /** {@code t} as an initializer named {@code name} (taken as is: weights keep their saved names). */
    String initializer(String name, Tensor t) {
        if (!names.add(name)) throw new IllegalStateException("initializer '" + name + "' written twice");
        return add(name, t);
    }

    private String add(String name, Tensor t) {
        weightBytes += t.numel() * t.dtype().byteSize();
        if (weightBytes > MAX_BYTES) {
            throw new IllegalArgumentException("the weights exceed the 2 GB an ONNX file can hold without external data, which the exporter"
                    + " does not write");
        }
        graph.addInitializer(TensorProtos.fromTensor(name, t));
        return name;
    }

    /** A 1-D int64 initializer (shapes, slice bounds, axes). */
    String ints(String hint, long... values) {
        try (Tensor t = Tensor.of(values, values.length)) {
            return add(fresh(hint), t);
        }
    }

    /** A float scalar initializer, written once per name and shared by every reader. */
    String scalar(String name, float value) {
        if (names.contains(name)) return name;
        try (Tensor t = Tensor.scalar(value, DType.F32)) {
            return initializer(name, t);
        }
    }

    /** Declares graph input {@code name}; each dimension a {@code Long} size or a {@code String} symbolic name. */
    void input(String name, DType dtype, Object... dims) {
        names.add(name);
        graph.addInput(valueInfo(name, dtype, dims));
    }

    /**
     * Declares {@code value} a graph output named {@code name}: the last node's output is renamed when it is that
     * value and nothing else reads it; otherwise an Identity node gives it the name.
     */
    void output(String value, String name, DType dtype, Object... dims) {
        if (!value.equals(name)) {
            names.add(name);
            int last = graph.getNodeCount() - 1;
            boolean rename = last >= 0 && graph.getNode(last).getOutputList().equals(List.of(value))
                    && graph.getNodeList().stream().noneMatch(n -> n.getInputList().contains(value));
            if (rename) graph.setNode(last, graph.getNode(last).toBuilder().setOutput(0, name));
            else graph.addNode(NodeProto.newBuilder().setName(name).setOpType("Identity").addInput(value).addOutput(name));
        }
        graph.addOutput(valueInfo(name, dtype, dims));
    }

    private static ValueInfoProto valueInfo(String name, DType dtype, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) dim.setDimParam(s);
            else dim.setDimValue(((Number) d).longValue());
            shape.addDim(dim);
        }
        TypeProto.Tensor.Builder type = TypeProto.Tensor.newBuilder().setElemType(TensorProtos.onnxType(dtype).getNumber()).setShape(shape);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(type)).build();
    }

    /** The finished model: this graph under the standard opset {@code opset}. */
    ModelProto model(int opset, String doc) {
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("panamax").setProducerVersion(version())
                .setDocString(doc).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
    }

    private static String version() {
        String v = GraphBuilder.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    // ------------------------------------------------------------------ attributes

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto attr(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) b.addInts(v);
        return b.build();
    }

    static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto attr(String name, TensorProto.DataType value) {
        return attr(name, (long) value.getNumber());
    }
}
