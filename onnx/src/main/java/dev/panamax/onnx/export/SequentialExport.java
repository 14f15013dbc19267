package dev.panamax.onnx.export;

import static dev.panamax.onnx.export.GraphBuilder.attr;

import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.nn.Activation;
import dev.panamax.nn.BatchNormalization;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Dropout;
import dev.panamax.nn.Embedding;
import dev.panamax.nn.Flatten;
import dev.panamax.nn.GlobalAveragePooling2D;
import dev.panamax.nn.Layer;
import dev.panamax.nn.LayerNormalization;
import dev.panamax.nn.MaxPooling2D;
import dev.panamax.nn.Reshape;
import dev.panamax.nn.Sequential;
import dev.panamax.onnx.proto.OnnxProto.AttributeProto;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link Sequential} as an ONNX graph, layer by layer. Panamax keeps images channels-last {@code (N, H, W, C)};
 * ONNX's Conv and pooling are channels-first, so the graph does too: a model that starts with a convolution or a
 * pooling layer takes {@code (N, C, H, W)} input (ONNX's convention: MNIST is {@code (N, 1, 28, 28)}), and a
 * Transpose is written only where the layout changes, before the layers that read channels-last data by position
 * (Flatten, Dense, Reshape, LayerNormalization), so Dense weights apply unchanged. An image-shaped output stays
 * channels-first. A ReLU convolution before max pooling, which Panamax runs fused (pooling, then bias and ReLU),
 * is written Conv → Relu → MaxPool: the same values, since bias and ReLU are monotonic. Dropout is left out
 * (inference). The batch dimension is symbolic ({@code batch}).
 */
final class SequentialExport {
    private static final String SUPPORTED = "Conv2D, MaxPooling2D, AveragePooling2D, Dense, Flatten, Activation, Dropout, BatchNormalization,"
            + " GlobalAveragePooling2D, Reshape, LayerNormalization and Embedding";

    private final GraphBuilder g;
    /** The current value, its Panamax shape without the batch, and whether the graph holds it channels-first. */
    private String value;
    private long[] shape;
    private boolean channelsFirst;
    /** The current value's element type: I64 only for token ids read straight from the input. */
    private DType dtype;

    private SequentialExport(GraphBuilder g) {
        this.g = g;
    }

    static ModelProto export(Sequential model, int opset) {
        long[] in = model.inputShape();
        List<Layer> layers = model.layers();
        for (Layer l : layers) {
            for (var p : l.params()) requireFloat32(l, p.value());
            for (Tensor b : l.buffers()) requireFloat32(l, b);
        }
        SequentialExport e = new SequentialExport(new GraphBuilder(model.name()));
        boolean image = in.length == 3 && startsWithImageLayer(layers);
        e.shape = in.clone();
        e.channelsFirst = image;
        e.dtype = !layers.isEmpty() && layers.getFirst() instanceof Embedding ? DType.I64 : DType.F32;
        e.value = "input";
        e.g.input("input", e.dtype, e.dims());
        for (Layer l : layers) e.layer(l);
        e.g.output(e.value, "output", DType.F32, e.dims());
        return e.g.model(opset, "Panamax Sequential '" + model.name() + "', " + layers.size() + " layers"
                + (image ? "; images channels-first (N, C, H, W)" : ""));
    }

    private static void requireFloat32(Layer l, Tensor t) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.type() + ") holds " + t.dtype() + " weights; the exporter writes"
                    + " float32 models only");
        }
    }

    /** Whether the first layer that cares about the layout is an image layer (then the input is channels-first). */
    private static boolean startsWithImageLayer(List<Layer> layers) {
        for (Layer l : layers) {
            if (l instanceof Conv2D || l instanceof MaxPooling2D || l instanceof GlobalAveragePooling2D) return true;
            if (!(l instanceof Activation || l instanceof Dropout || l instanceof BatchNormalization)) return false;
        }
        return false;
    }

    /** The current value's dimensions in the graph's layout, batch first and symbolic. */
    private Object[] dims() {
        long[] s = channelsFirst ? new long[] {shape[2], shape[0], shape[1]} : shape;
        Object[] d = new Object[s.length + 1];
        d[0] = "batch";
        for (int i = 0; i < s.length; i++) d[i + 1] = s[i];
        return d;
    }

    private void layer(Layer l) {
        String n = l.name();
        switch (l) {
            case Conv2D c -> conv(c);
            case MaxPooling2D p -> pool(p);
            case Dense d -> {
                channelsLast(n);
                Tensor kernel = d.params().get(0).value(), bias = d.params().get(1).value();
                String y = g.node("MatMul", n + "/MatMul", List.of(value, g.initializer(n + ".kernel", kernel)));
                value = g.node("Add", n + "/Add", List.of(y, g.initializer(n + ".bias", bias)));
                shape = d.outputShape(shape);
                value = Activations.write(g, d.activation(), value, n, -1, where(l));
            }
            case Flatten f -> {
                channelsLast(n);
                value = g.node("Flatten", n + "/Flatten", List.of(value), attr("axis", 1L));
                shape = f.outputShape(shape);
            }
            case Activation a -> value = Activations.write(g, a.activation(), value, n, channelsFirst ? 1 : -1, where(l));
            case Dropout d -> { }  // the identity at inference
            case BatchNormalization b -> batchNorm(b);
            case GlobalAveragePooling2D p -> {
                channelsFirst(n);
                String pooled = g.node("GlobalAveragePool", n + "/GlobalAveragePool", List.of(value));  // (N, C, 1, 1)
                value = g.node("Flatten", n + "/Flatten", List.of(pooled), attr("axis", 1L));
                shape = p.outputShape(shape);
                channelsFirst = false;
            }
            case Reshape r -> {
                channelsLast(n);
                shape = r.outputShape(shape);
                long[] target = new long[shape.length + 1];  // 0 copies the batch
                System.arraycopy(shape, 0, target, 1, shape.length);
                value = g.node("Reshape", n + "/Reshape", List.of(value, g.ints(n + "/shape", target)));
            }
            case LayerNormalization ln -> {
                channelsLast(n);
                value = g.node("LayerNormalization", n + "/LayerNormalization", List.of(value, g.initializer(n + ".gamma", ln.params().get(0).value()),
                        g.initializer(n + ".beta", ln.params().get(1).value())), attr("axis", -1L), attr("epsilon", (float) ln.epsilon()));
            }
            case Embedding e -> {
                channelsLast(n);
                String ids = dtype == DType.I64 ? value : g.node("Cast", n + "/Cast", List.of(value), attr("to", TensorProto.DataType.INT64));
                value = g.node("Gather", n + "/Gather", List.of(g.initializer(n + ".embeddings", e.params().get(0).value()), ids));
                shape = e.outputShape(shape);
                dtype = DType.F32;
            }
            default -> throw new IllegalArgumentException(where(l) + " cannot be exported to ONNX; the exporter writes " + SUPPORTED
                    + " in a Sequential");
        }
    }

    private static String where(Layer l) {
        return "layer '" + l.name() + "' (" + l.type() + ")";
    }

    private void conv(Conv2D c) {
        String n = c.name();
        channelsFirst(n);
        Conv2dShape s = c.geometry(shape);
        Tensor kernel = c.params().get(0).value();  // (KH, KW, C, F)
        String w;
        try (Tensor oihw = kernel.permute(3, 2, 0, 1)) {  // (F, C, KH, KW)
            w = g.initializer(n + ".kernel", oihw);
        }
        String b = g.initializer(n + ".bias", c.params().get(1).value());
        value = g.node("Conv", n + "/Conv", List.of(value, w, b), attr("kernel_shape", s.kh(), s.kw()), attr("strides", s.sh(), s.sw()),
                attr("dilations", s.dh(), s.dw()), attr("pads", pads(s)));
        shape = c.outputShape(shape);
        value = Activations.write(g, c.activation(), value, n, 1, where(c));
    }

    private void pool(MaxPooling2D p) {
        String n = p.name();
        channelsFirst(n);
        Conv2dShape s = p.geometry(shape);
        var window = new ArrayList<>(List.of(attr("kernel_shape", s.kh(), s.kw()), attr("strides", s.sh(), s.sw()), attr("pads", pads(s))));
        // Panamax averages over the taps inside the image, ONNX's count_include_pad=0 (its default, written for clarity).
        if (!p.isMax()) window.add(attr("count_include_pad", 0L));
        String op = p.isMax() ? "MaxPool" : "AveragePool";
        value = g.node(op, n + "/" + op, List.of(value), window.toArray(AttributeProto[]::new));
        shape = p.outputShape(shape);
    }

    /** ONNX's {@code [top, left, bottom, right]}: Panamax keeps the leading padding and the output size, which fix the rest. */
    private static long[] pads(Conv2dShape s) {
        long bottom = Math.max(0, (long) (s.oh() - 1) * s.sh() + (long) (s.kh() - 1) * s.dh() + 1 - s.h() - s.padTop());
        long right = Math.max(0, (long) (s.ow() - 1) * s.sw() + (long) (s.kw() - 1) * s.dw() + 1 - s.w() - s.padLeft());
        return new long[] {s.padTop(), s.padLeft(), bottom, right};
    }

    /** BatchNormalization normalises axis 1: images channels-first, rows as they are, other ranks moved there and back. */
    private void batchNorm(BatchNormalization b) {
        String n = b.name();
        int rank = shape.length + 1;
        if (rank == 4) channelsFirst(n);
        List<String> params = List.of(g.initializer(n + ".gamma", b.params().get(0).value()), g.initializer(n + ".beta", b.params().get(1).value()),
                g.initializer(n + ".moving_mean", b.buffers().get(0)), g.initializer(n + ".moving_variance", b.buffers().get(1)));
        boolean move = rank > 2 && rank != 4;
        long[] there = new long[rank], back = new long[rank];  // (N, ..., C) → (N, C, ...) and back
        for (int i = 0; i < rank; i++) {
            there[i] = i == 0 ? 0 : i == 1 ? rank - 1 : i - 1;
            back[i] = i == 0 ? 0 : i == rank - 1 ? 1 : i + 1;
        }
        String x = move ? g.node("Transpose", n + "/ToChannelsFirst", List.of(value), attr("perm", there)) : value;
        List<String> inputs = new ArrayList<>(List.of(x));
        inputs.addAll(params);
        String y = g.node("BatchNormalization", n + "/BatchNormalization", inputs, attr("epsilon", (float) b.epsilon()));
        value = move ? g.node("Transpose", n + "/ToChannelsLast", List.of(y), attr("perm", back)) : y;
    }

    /** Makes the current image value channels-first, as Conv and pooling read it. */
    private void channelsFirst(String hint) {
        if (shape.length != 3) {
            throw new IllegalArgumentException("layer '" + hint + "' expects (height, width, channels) input, got " + Arrays.toString(shape));
        }
        if (channelsFirst) return;
        value = g.node("Transpose", hint + "/ToChannelsFirst", List.of(value), attr("perm", 0L, 3L, 1L, 2L));
        channelsFirst = true;
    }

    /** Makes the current value channels-last again, as Panamax holds it, before a layer that reads positions. */
    private void channelsLast(String hint) {
        if (!channelsFirst) return;
        value = g.node("Transpose", hint + "/ToChannelsLast", List.of(value), attr("perm", 0L, 2L, 3L, 1L));
        channelsFirst = false;
    }
}
