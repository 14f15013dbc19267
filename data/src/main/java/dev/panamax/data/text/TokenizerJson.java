package dev.panamax.data.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.tensors.internal.OneLine;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} into a {@link WordPieceTokenizer}, part by part, with the library's
 * defaults for absent fields. What the tokenizer does not implement is refused by name (a BPE model, an NFKC
 * normalizer, left padding, ...), never ignored: a tokenizer that silently skipped a step would give wrong ids.
 */
final class TokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerJson() {}

    /**
     * The tokenizer {@code in} describes; a read error is an {@link IOException}, anything wrong with the content an
     * {@link IllegalArgumentException} whose message starts with {@code source}.
     */
    static WordPieceTokenizer read(InputStream in, String source) throws IOException {
        return parse(in.readAllBytes(), source);
    }

    /** The tokenizer {@code json} describes; a problem is an {@link IllegalArgumentException} naming {@code source}. */
    static WordPieceTokenizer parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": " + notJson(e), e);
        }
        try {
            return build(root);
        } catch (IllegalArgumentException e) {
            // The messages quote names from the file, which may hold line breaks: the error stays one line.
            throw new IllegalArgumentException(source + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    /** Jackson's parse error, its first line (the rest is a source excerpt). */
    private static String notJson(IOException e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return "not JSON (" + message + "); expected a Hugging Face tokenizer.json";
    }

    private static WordPieceTokenizer build(JsonNode root) {
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new IllegalArgumentException("no \"model\" object; expected a Hugging Face tokenizer.json (as tokenizers' save() writes it)");
        }
        JsonNode model = root.get("model");
        String type = model.path("type").asText(model.has("continuing_subword_prefix") ? "WordPiece" : "(none)");
        if (!type.equals("WordPiece")) {
            throw new IllegalArgumentException("model type " + type + " is not WordPiece; WordPieceTokenizer reads BERT-style WordPiece tokenizers only");
        }
        JsonNode vocabNode = model.get("vocab");
        if (vocabNode == null || !vocabNode.isObject() || vocabNode.isEmpty()) {
            throw new IllegalArgumentException("model.vocab is missing or empty; a WordPiece model needs its vocab as {\"token\": id, ...}");
        }
        Map<String, Integer> vocab = new HashMap<>(2 * vocabNode.size());
        int maxId = -1;
        for (var e : vocabNode.properties()) {
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new IllegalArgumentException("model.vocab[\"" + e.getKey() + "\"] is " + e.getValue() + "; ids must be integers ≥ 0");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
            maxId = Math.max(maxId, e.getValue().asInt());
        }
        String unk = text(model, "unk_token", "[UNK]");
        String prefix = text(model, "continuing_subword_prefix", "##");
        int maxChars = model.path("max_input_chars_per_word").asInt(100);
        WordPiece wordPiece = new WordPiece(vocab, unk, prefix, maxChars);

        BertNormalizer normalizer = normalizer(root.get("normalizer"));
        preTokenizer(root.get("pre_tokenizer"));

        List<AddedTokens.Token> raw = new ArrayList<>(), normalized = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>(vocab);
        for (JsonNode t : root.path("added_tokens")) {
            String content = t.path("content").asText();
            JsonNode idNode = t.path("id");
            int id = idNode.canConvertToInt() ? idNode.asInt() : -1;
            if (id < 0) throw new IllegalArgumentException("added token \"" + content + "\" has id " + idNode + "; ids must be integers ≥ 0");
            if (t.path("single_word").asBoolean(false)) {
                throw new IllegalArgumentException("added token \"" + content + "\" has single_word: true, which is not implemented; set it to false");
            }
            boolean norm = t.path("normalized").asBoolean(!t.path("special").asBoolean(false));
            String match = norm ? normalizer.normalize(content) : content;
            (norm ? normalized : raw).add(new AddedTokens.Token(match, id, t.path("special").asBoolean(false),
                    t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false), norm));
            ids.putIfAbsent(content, id);
            maxId = Math.max(maxId, id);
        }
        // The id → token table has one slot per id up to the largest: ids far beyond the number of tokens would make it
        // a needless gigabyte array (a fuzzed file with one id near 2^31 ran the JVM out of memory).
        long listed = vocab.size() + raw.size() + normalized.size();
        if (maxId > 2 * listed + 1024) {
            throw new IllegalArgumentException("the largest token id is " + maxId + " but the file lists only " + listed
                    + " tokens; a tokenizer numbers its tokens 0, 1, 2, ... without large gaps");
        }
        String[] tokens = new String[maxId + 1];
        boolean[] special = new boolean[maxId + 1];
        for (var e : vocab.entrySet()) if (tokens[e.getValue()] == null) tokens[e.getValue()] = e.getKey();
        for (JsonNode t : root.path("added_tokens")) {
            int id = t.get("id").asInt();
            tokens[id] = t.path("content").asText();
            special[id] = t.path("special").asBoolean(false);
        }

        Template template = template(root.get("post_processor"), ids);
        WordPieceDecoder decoder = decoder(root.get("decoder"), prefix);

        JsonNode trunc = root.get("truncation");
        int maxLength = WordPieceTokenizer.DEFAULT_MAX_LENGTH;
        if (trunc != null && !trunc.isNull()) {
            String direction = text(trunc, "direction", "Right"), strategy = text(trunc, "strategy", "LongestFirst");
            if (!direction.equals("Right")) {
                throw new IllegalArgumentException("truncation direction " + direction + " is not implemented; use Right (keep the text's start)");
            }
            if (strategy.equals("OnlySecond")) {
                throw new IllegalArgumentException("truncation strategy OnlySecond needs sentence pairs, which are not implemented; use LongestFirst");
            }
            maxLength = trunc.path("max_length").asInt(512);
        }
        JsonNode pad = root.get("padding");
        Padding padding = Padding.LONGEST;
        int padId = vocab.getOrDefault("[PAD]", 0), padTypeId = 0;
        if (pad != null && !pad.isNull()) {
            String direction = text(pad, "direction", "Right");
            if (!direction.equals("Right")) {
                throw new IllegalArgumentException("padding direction " + direction + " is not implemented; use Right (pad after the text)");
            }
            JsonNode strategy = pad.path("strategy");
            if (strategy.has("Fixed")) padding = Padding.fixed(strategy.get("Fixed").asInt());
            else if (!strategy.asText("BatchLongest").equals("BatchLongest")) {
                throw new IllegalArgumentException("padding strategy " + strategy + " is not known; expected \"BatchLongest\" or {\"Fixed\": n}");
            }
            int multiple = pad.path("pad_to_multiple_of").asInt(0);
            if (multiple > 1) padding = padding.toMultipleOf(multiple);
            padId = pad.path("pad_id").asInt(padId);
            padTypeId = pad.path("pad_type_id").asInt(0);
        }
        return new WordPieceTokenizer(new AddedTokens(raw), new AddedTokens(normalized), normalizer, wordPiece, template,
                tokens, special, decoder, padId, padTypeId, maxLength, padding);
    }

    private static BertNormalizer normalizer(JsonNode n) {
        if (n == null || n.isNull()) return BertNormalizer.NONE;
        String type = n.path("type").asText();
        if (!type.equals("BertNormalizer")) {
            throw new IllegalArgumentException("normalizer " + describe(n) + " is not implemented; WordPieceTokenizer implements BertNormalizer (or none)");
        }
        boolean lowercase = n.path("lowercase").asBoolean(true);
        JsonNode strip = n.get("strip_accents");
        boolean stripAccents = strip == null || strip.isNull() ? lowercase : strip.asBoolean();
        return new BertNormalizer(n.path("clean_text").asBoolean(true), n.path("handle_chinese_chars").asBoolean(true), stripAccents, lowercase);
    }

    private static void preTokenizer(JsonNode p) {
        String type = p == null || p.isNull() ? "null" : p.path("type").asText();
        if (!type.equals("BertPreTokenizer")) {
            throw new IllegalArgumentException("pre_tokenizer " + (p == null || p.isNull() ? "null" : describe(p))
                    + " is not implemented; WordPieceTokenizer implements BertPreTokenizer");
        }
    }

    private static Template template(JsonNode p, Map<String, Integer> ids) {
        if (p == null || p.isNull()) return Template.NONE;
        String type = p.path("type").asText();
        if (type.equals("BertProcessing")) {
            JsonNode cls = p.path("cls"), sep = p.path("sep");
            return new Template(new int[] {cls.path(1).asInt(ids.getOrDefault("[CLS]", 101))}, new int[] {0}, 0,
                    new int[] {sep.path(1).asInt(ids.getOrDefault("[SEP]", 102))}, new int[] {0});
        }
        if (!type.equals("TemplateProcessing")) {
            throw new IllegalArgumentException("post_processor " + describe(p) + " is not implemented; WordPieceTokenizer implements TemplateProcessing and BertProcessing");
        }
        List<int[]> before = new ArrayList<>(), after = new ArrayList<>();  // {id, type id}
        int sequenceType = -1;
        for (JsonNode piece : p.path("single")) {
            if (piece.has("Sequence")) {
                String which = piece.get("Sequence").path("id").asText("A");
                if (!which.equals("A") || sequenceType >= 0) {
                    throw new IllegalArgumentException("post_processor.single must hold sequence A once; it has " + p.path("single"));
                }
                sequenceType = piece.get("Sequence").path("type_id").asInt(0);
            } else if (piece.has("SpecialToken")) {
                String name = piece.get("SpecialToken").path("id").asText();
                int typeId = piece.get("SpecialToken").path("type_id").asInt(0);
                JsonNode special = p.path("special_tokens").path(name).path("ids");
                if (!special.isArray() || special.isEmpty()) {
                    throw new IllegalArgumentException("post_processor.single uses special token " + name + ", which special_tokens does not define");
                }
                for (JsonNode id : special) (sequenceType < 0 ? before : after).add(new int[] {id.asInt(), typeId});
            } else {
                throw new IllegalArgumentException("post_processor.single piece " + piece + " is neither a Sequence nor a SpecialToken");
            }
        }
        if (sequenceType < 0) throw new IllegalArgumentException("post_processor.single has no Sequence A, so the text would be dropped");
        return new Template(column(before, 0), column(before, 1), sequenceType, column(after, 0), column(after, 1));
    }

    private static WordPieceDecoder decoder(JsonNode d, String modelPrefix) {
        if (d == null || d.isNull()) return new WordPieceDecoder(null, false);
        if (!d.path("type").asText().equals("WordPiece")) {
            throw new IllegalArgumentException("decoder " + describe(d) + " is not implemented; WordPieceTokenizer implements the WordPiece decoder (or none)");
        }
        return new WordPieceDecoder(text(d, "prefix", modelPrefix), d.path("cleanup").asBoolean(true));
    }

    private static int[] column(List<int[]> rows, int c) {
        return rows.stream().mapToInt(r -> r[c]).toArray();
    }

    private static String text(JsonNode n, String field, String otherwise) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? otherwise : v.asText();
    }

    private static String describe(JsonNode n) {
        String type = n.path("type").asText("");
        return type.isEmpty() ? n.toString() : type;
    }
}
