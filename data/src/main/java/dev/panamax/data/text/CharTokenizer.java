package dev.panamax.data.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.data.fetch.Cache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One token per Unicode code point (not per {@code char}, so a CJK extension character or an emoji written as a
 * surrogate pair is one token). The vocabulary is the sorted set of code points of a training text; id {@code i}
 * is the {@code i}-th smallest of them.
 */
public final class CharTokenizer implements Tokenizer {
    private static final String KIND = "panamax-char-tokenizer";
    private static final int MAX_NAMED = 10;

    private final int[] codePoints;  // (vocabSize) sorted ascending, distinct

    private CharTokenizer(int[] sortedDistinctCodePoints) {
        this.codePoints = sortedDistinctCodePoints;
    }

    /**
     * The tokenizer whose vocabulary is every code point of {@code trainingText}.
     *
     * @param trainingText the text whose distinct code points become the vocabulary, ids in code-point order
     * @return the fitted tokenizer
     * @throws IllegalArgumentException when the text is empty
     */
    public static CharTokenizer fit(String trainingText) {
        if (trainingText.isEmpty()) throw new IllegalArgumentException("CharTokenizer: the training text is empty, so there is no vocabulary");
        return new CharTokenizer(trainingText.codePoints().sorted().distinct().toArray());
    }

    @Override
    public int[] encode(String text) {
        int[] ids = text.codePoints().map(cp -> Arrays.binarySearch(codePoints, cp)).toArray();
        if (Arrays.stream(ids).anyMatch(id -> id < 0)) throw unknown(text);
        return ids;
    }

    private IllegalArgumentException unknown(String text) {
        Set<Integer> missing = new LinkedHashSet<>();
        text.codePoints().filter(cp -> Arrays.binarySearch(codePoints, cp) < 0).forEach(missing::add);
        String named = missing.stream().limit(MAX_NAMED).map(CharTokenizer::describe).collect(Collectors.joining(", "));
        String more = missing.size() > MAX_NAMED ? " and " + (missing.size() - MAX_NAMED) + " more" : "";
        return new IllegalArgumentException("CharTokenizer: " + named + more + " not in the vocabulary; the vocabulary ("
                + codePoints.length + " characters) comes from the training text, so fit it on text that contains them");
    }

    private static String describe(int codePoint) {
        String shown = Character.isISOControl(codePoint) || Character.isWhitespace(codePoint) ? "" : "'" + Character.toString(codePoint) + "' ";
        return shown + String.format("(U+%04X)", codePoint);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= codePoints.length) {
                throw new IllegalArgumentException("CharTokenizer: id " + id + " is outside the vocabulary [0, " + codePoints.length + ")");
            }
            sb.appendCodePoint(codePoints[id]);
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return codePoints.length;
    }

    /** {@return a copy of the vocabulary's code points in id order (ascending)} */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /**
     * Writes the vocabulary as JSON ({@code {"kind": ..., "codePoints": [...]}}: numbers, so no character is at
     * the mercy of escaping or normalisation) through a temporary file and one atomic move.
     *
     * @param file where to write; replaced if it exists
     * @throws IOException when the file cannot be written (an existing one is left as it was)
     */
    public void save(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("kind", KIND);
        ArrayNode cps = root.putArray("codePoints");
        for (int cp : codePoints) cps.add(cp);
        Cache.writeAtomically(file, json.writeValueAsBytes(root));
    }

    /**
     * Reads a vocabulary written by {@link #save}.
     *
     * @param file a file {@link #save} wrote
     * @return the tokenizer it describes
     * @throws IOException when the file cannot be read or is not such a vocabulary (the message names it)
     */
    public static CharTokenizer load(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode cps = root == null ? null : root.get("codePoints");
        if (root == null || !KIND.equals(root.path("kind").asText()) || cps == null || !cps.isArray() || cps.isEmpty()) {
            throw new IOException(file + ": not a CharTokenizer vocabulary (expected {\"kind\": \"" + KIND + "\", \"codePoints\": [...]})");
        }
        int[] codePoints = new int[cps.size()];
        for (int i = 0; i < codePoints.length; i++) {
            JsonNode n = cps.get(i);
            codePoints[i] = n.asInt(-1);
            if (!n.canConvertToInt() || !Character.isValidCodePoint(codePoints[i]) || i > 0 && codePoints[i] <= codePoints[i - 1]) {
                throw new IOException(file + ": code point " + i + " (" + n + ") is not a valid code point above the one before it");
            }
        }
        return new CharTokenizer(codePoints);
    }
}
