package dev.panamax.cli;

import dev.panamax.apps.embed.MiniLm;
import dev.panamax.apps.embed.SentenceEmbedder;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code embed} and {@code similar} share: opening {@code --model} and reading {@code --file}. */
final class EmbedModels {
    private EmbedModels() {}

    /** {@code all-minilm-l6-v2} (the default), or an ONNX file with its {@code tokenizer.json} beside it. */
    static SentenceEmbedder open(String model) throws IOException {
        if (model.equalsIgnoreCase(MiniLm.NAME)) return SentenceEmbedder.miniLm();
        Path file = Path.of(model);
        if (!model.endsWith(".onnx") || !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--model " + model + ": not '" + MiniLm.NAME + "' and not an existing .onnx file");
        }
        return SentenceEmbedder.load(file, file.resolveSibling("tokenizer.json"));
    }

    /** The lines of {@code file}, each one sentence exactly as written (only the line break removed). */
    static List<String> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--file " + file + ": no such file");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("--file " + file + " is not UTF-8 text");
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();  // the final line break ends the last line
        return lines;
    }
}
