package dev.panamax.apps.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.apps.embed.MiniLm;
import dev.panamax.apps.gpt.GptArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model the server holds: its batcher, what {@code GET /v1/models} says about it, warm-up and reload. Three kinds:
 * {@link TensorModel} (a saved {@code Sequential}: {@code :predict}), {@link EmbeddingModel} ({@code :embed}) and
 * {@link GptModel} ({@code :generate}).
 */
sealed interface ServedModel extends AutoCloseable permits TensorModel, EmbeddingModel, GptModel {
    /** The name in the URL. */
    String name();

    /** Its entry in {@code GET /v1/models}. */
    void describe(ObjectNode into);

    /** Runs the model a few times so that the first requests find compiled code and sized buffers. */
    void warmUp();

    /** Loads the model again from where it came from and swaps it in between two batches; returns when done. */
    void reload() throws IOException;

    /** Requests waiting now. */
    int queued();

    /** Lets queued requests finish and frees the model. */
    @Override
    void close();

    /**
     * Opens {@code source}: {@value MiniLm#NAME} or an {@code .onnx} file (a sentence encoder, tokenizer.json beside
     * it), a folder written by {@code panamax train gpt}, or one written by {@code ModelIo.save} (a Sequential).
     */
    static ServedModel open(String name, String source, ServeOptions options, ServerMetrics metrics) throws IOException {
        if (source.equalsIgnoreCase(MiniLm.NAME) || source.endsWith(".onnx")) return new EmbeddingModel(name, source, options, metrics);
        Path dir = Path.of(source);
        if (!Files.isDirectory(dir)) throw new IOException(source + ": no such model folder (nor '" + MiniLm.NAME + "' or an .onnx file)");
        if (GptArtifacts.isGptFolder(dir)) return new GptModel(name, dir, options, metrics);
        return new TensorModel(name, dir, options, metrics);
    }

    /** The name a model gets from its source when none is given: the folder's, or its parent's for {@code .../model}. */
    static String defaultName(String source) {
        if (source.equalsIgnoreCase(MiniLm.NAME)) return MiniLm.NAME;
        Path p = Path.of(source).toAbsolutePath().normalize();
        String last = p.getFileName() == null ? "model" : p.getFileName().toString();
        if (last.endsWith(".onnx")) return last.substring(0, last.length() - 5);
        if (last.equals("model") && p.getParent() != null && p.getParent().getFileName() != null) return p.getParent().getFileName().toString();
        return last;
    }
}
