package dev.panamax.onnx;

import dev.panamax.nn.Model;
import dev.panamax.onnx.export.ModelExport;
import dev.panamax.onnx.graph.ValueInfo;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes a Panamax model as an ONNX file that ONNX Runtime (and Panamax's own {@link OnnxModel}) run with the same
 * outputs as the model's inference forward pass.
 *
 * <pre>{@code
 * OnnxExporter.Summary s = OnnxExporter.export(model, Path.of("model.onnx"));
 * }</pre>
 *
 * <ul>
 *   <li>A {@code Sequential} of Conv2D, MaxPooling2D / AveragePooling2D, Dense, Flatten, Activation, Dropout,
 *       BatchNormalization, GlobalAveragePooling2D, Reshape, LayerNormalization and Embedding layers: input
 *       {@code input}, output {@code output}, a symbolic batch. A model that starts with an image layer takes
 *       images channels-first, ONNX's convention: the MNIST CNN built for {@code (28, 28, 1)} takes
 *       {@code (batch, 1, 28, 28)}.</li>
 *   <li>A {@code Gpt}: input {@code input_ids} int64 {@code (batch, sequence)}, output {@code logits}
 *       {@code (batch, sequence, vocab)}, sequence up to the context.</li>
 * </ul>
 *
 * Graphs use standard operators of opset {@value ModelExport#OPSET} only. A model of another kind or with a
 * layer the exporter does not know is refused with a message naming it. The file is written to a temporary file
 * beside the target and renamed into place, so the target is never left half-written.
 */
public final class OnnxExporter {
    private OnnxExporter() {}

    /**
     * What an export wrote.
     *
     * @param file    the ONNX file
     * @param opset   the standard opset the graph targets
     * @param nodes   the graph's nodes
     * @param weights initializers (weights and constants)
     * @param bytes   the file's size
     * @param inputs  the graph's inputs with their shapes ({@code batch} and {@code sequence} symbolic)
     * @param outputs the graph's outputs with their shapes
     */
    public record Summary(Path file, int opset, int nodes, int weights, long bytes, List<ValueInfo> inputs, List<ValueInfo> outputs) {
        /** {@return one line for a person: what was written where, its size, and its inputs and outputs} */
        public String describe() {
            return String.format(Locale.ROOT, "%s: %d nodes, opset %d, %d initializers, %,d bytes; inputs %s; outputs %s", file, nodes, opset, weights,
                    bytes, describe(inputs), describe(outputs));
        }

        private static String describe(List<ValueInfo> values) {
            return String.join(", ", values.stream().map(ValueInfo::describe).toList());
        }
    }

    /**
     * Writes {@code model} to {@code file} (atomically, replacing it); see the class comment for what is supported.
     *
     * @param model the model to export, built (its weights exist)
     * @param file  the {@code .onnx} file to write; missing parent folders are created
     * @return what was written: opset, node and initializer counts, size, and the graph's inputs and outputs
     * @throws IOException when the file cannot be written (the old file, if any, is left as it was)
     */
    public static Summary export(Model model, Path file) throws IOException {
        ModelProto proto = ModelExport.of(model);
        Path target = file.toAbsolutePath();
        Path dir = Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                proto.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        var g = proto.getGraph();
        return new Summary(file, (int) proto.getOpsetImport(0).getVersion(), g.getNodeCount(), g.getInitializerCount(), Files.size(target),
                g.getInputList().stream().map(ValueInfo::of).toList(), g.getOutputList().stream().map(ValueInfo::of).toList());
    }

    /**
     * {@code model} as the bytes of an ONNX file, e.g. for {@link OnnxModel#load(byte[])}.
     *
     * @param model the model to export, built (its weights exist)
     * @return the serialized {@code ModelProto}, weights included
     */
    public static byte[] toBytes(Model model) {
        return ModelExport.of(model).toByteArray();
    }
}
