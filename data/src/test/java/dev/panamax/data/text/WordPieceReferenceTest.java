package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WordPieceTokenizer} against Hugging Face's {@code tokenizers} itself (see {@link HfReference}), run live:
 * the sentences of {@code wordpiece_sentences.txt} one by one, truncated, in padded batches and decoded; the same
 * under other normalizer, post-processor and added-token settings; and every code point inside a word.
 */
class WordPieceReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int UNLIMITED = 1 << 20;

    @TempDir
    static Path dir;
    static String miniLm;
    static List<String> sentences;
    static WordPieceTokenizer mine;
    static final List<HuggingFaceTokenizer> opened = new ArrayList<>();

    @BeforeAll
    static void load() {
        miniLm = HfReference.miniLmJson();
        sentences = HfReference.sentences();
        mine = WordPieceTokenizer.fromJson(miniLm);
    }

    @AfterAll
    static void close() {
        opened.forEach(HuggingFaceTokenizer::close);
    }

    private static HuggingFaceTokenizer reference(String json, int maxLength, String padding) throws IOException {
        HuggingFaceTokenizer t = HfReference.tokenizer(json, maxLength, padding, dir);
        opened.add(t);
        return t;
    }

    @Test
    void everySentenceGivesTheReferenceIdsMaskAndTypeIds() throws IOException {
        assertTrue(sentences.size() >= 200, "sentences: " + sentences.size());
        assertEquals(128, mine.maxLength(), "the json's truncation");
        assertEquals(Padding.fixed(128), mine.padding(), "the json's padding");
        int longer = sameAsReference(mine.withMaxLength(UNLIMITED), reference(miniLm, 0, "none"), sentences);
        assertTrue(longer >= 5, "sentences over 128 tokens, so truncation is tested: " + longer);
    }

    /** Compares each text's encoding; returns how many are longer than 128 tokens. */
    private static int sameAsReference(WordPieceTokenizer tok, HuggingFaceTokenizer ref, List<String> texts) {
        int longer = 0;
        for (String text : texts) {
            var want = ref.encode(text);
            Encoding got = tok.encode(text);
            String shown = "text: " + text.codePoints().limit(80).mapToObj(Character::toString).reduce("", String::concat);
            assertArrayEquals(HfReference.ints(want.getIds()), got.ids(), () -> shown + "\nwant " + List.of(want.getTokens()) + "\ngot  " + tok.tokens(got.ids()));
            assertArrayEquals(HfReference.ints(want.getAttentionMask()), got.attentionMask(), shown);
            assertArrayEquals(HfReference.ints(want.getTypeIds()), got.typeIds(), shown);
            if (got.length() > 128) longer++;
        }
        return longer;
    }

    @Test
    void truncatesAt128And256KeepingClsAndSep() throws IOException {
        sameAsReference(mine, reference(miniLm, 128, "none"), sentences);
        sameAsReference(mine.withMaxLength(256), reference(miniLm, 256, "none"), sentences);
        sameAsReference(mine.withMaxLength(5), reference(miniLm, 5, "none"), sentences);
        Encoding cut = mine.encode("one two three four five six seven eight nine ten ".repeat(30));
        assertEquals(128, cut.length());
        assertEquals(101, cut.ids()[0]);
        assertEquals(102, cut.ids()[127]);
    }

    @Test
    void batchesPadToTheLongestRowAsTheReferenceDoes() throws IOException {
        sameBatchesAsReference(mine.withPadding(Padding.LONGEST), reference(miniLm, 128, "longest"), 16);
        sameBatchesAsReference(mine.withPadding(Padding.LONGEST).withMaxLength(256), reference(miniLm, 256, "longest"), 7);
        sameBatchesAsReference(mine.withPadding(Padding.LONGEST), reference(miniLm, 128, "longest"), sentences.size());
    }

    @Test
    void fixedPaddingFromTheJsonPadsEveryBatchTo128() throws IOException {
        sameBatchesAsReference(mine, reference(miniLm, 128, "fixed"), 10);
        BatchEncoding one = mine.encodeBatch(List.of("hi"));
        assertEquals(128, one.length());
        assertArrayEquals(new int[] {101, 7632, 102, 0, 0}, Arrays.copyOf(one.ids(), 5));
        assertArrayEquals(new int[] {1, 1, 1, 0, 0}, Arrays.copyOf(one.attentionMask(), 5));
    }

    @Test
    void padsToAMultipleAsTheReferenceDoes() throws IOException {
        Path file = dir.resolve("multiple.json");
        Files.writeString(file, miniLm);
        HuggingFaceTokenizer ref = HuggingFaceTokenizer.builder().optTokenizerPath(file).optTruncation(true).optMaxLength(128)
                .optPadding(true).optPadToMultipleOf(8).build();
        opened.add(ref);
        sameBatchesAsReference(mine.withPadding(Padding.LONGEST.toMultipleOf(8)), ref, 5);
    }

    private static void sameBatchesAsReference(WordPieceTokenizer tok, HuggingFaceTokenizer ref, int batchSize) {
        for (int from = 0; from < sentences.size(); from += batchSize) {
            List<String> texts = sentences.subList(from, Math.min(sentences.size(), from + batchSize));
            var want = ref.batchEncode(texts);
            BatchEncoding got = tok.encodeBatch(texts);
            assertEquals(texts.size(), got.size());
            for (int i = 0; i < texts.size(); i++) {
                int row = i;
                Encoding r = got.row(i);
                assertEquals(want[i].getIds().length, got.length(), () -> "batch length, text " + texts.get(row));
                assertArrayEquals(HfReference.ints(want[i].getIds()), r.ids(), () -> "text " + texts.get(row));
                assertArrayEquals(HfReference.ints(want[i].getAttentionMask()), r.attentionMask(), () -> "text " + texts.get(row));
                assertArrayEquals(HfReference.ints(want[i].getTypeIds()), r.typeIds(), () -> "text " + texts.get(row));
            }
        }
    }

    @Test
    void decodeGivesTheReferenceText() throws IOException {
        HuggingFaceTokenizer ref = reference(miniLm, 0, "none");
        for (String text : sentences) {
            long[] ids = ref.encode(text).getIds();
            assertEquals(ref.decode(ids, true), mine.decode(HfReference.ints(ids)), () -> "text " + text);
        }
    }

    @Test
    void otherNormalizerSettingsGiveTheReferenceIds() throws IOException {
        for (String normalizer : List.of(
                "{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":false,\"lowercase\":false}",
                "{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":false,\"lowercase\":true}",
                "{\"type\":\"BertNormalizer\",\"clean_text\":false,\"handle_chinese_chars\":false,\"strip_accents\":true,\"lowercase\":false}",
                "null")) {
            String json = edit(miniLm, root -> root.set("normalizer", parse(normalizer)));
            sameAsReference(WordPieceTokenizer.fromJson(json).withMaxLength(UNLIMITED), reference(json, 0, "none"), sentences);
        }
    }

    @Test
    void bertProcessingAndNoPostProcessorGiveTheReferenceIds() throws IOException {
        for (String processor : List.of("{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",102],\"cls\":[\"[CLS]\",101]}", "null")) {
            String json = edit(miniLm, root -> root.set("post_processor", parse(processor)));
            sameAsReference(WordPieceTokenizer.fromJson(json).withMaxLength(UNLIMITED), reference(json, 0, "none"), sentences);
            sameAsReference(WordPieceTokenizer.fromJson(json).withMaxLength(20), reference(json, 20, "none"), sentences);
        }
    }

    /** [MASK] takes the spaces around it; "New York" and "[UNK]" (unspecial, normalized) are found after lowercasing. */
    @Test
    void addedTokensThatStripAndNormalizeGiveTheReferenceIds() throws IOException {
        String json = edit(miniLm, root -> {
            ArrayNode added = (ArrayNode) root.get("added_tokens");
            for (JsonNode t : added) {
                if (t.get("content").asText().equals("[MASK]")) ((ObjectNode) t).put("lstrip", true).put("rstrip", true);
            }
            added.add(parse("{\"id\":30522,\"content\":\"New York\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":true,\"special\":false}"));
            added.add(parse("{\"id\":30523,\"content\":\"Straße\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":true,\"special\":false}"));
            added.add(parse("{\"id\":30524,\"content\":\"<b>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":true,\"normalized\":false,\"special\":true}"));
        });
        List<String> texts = new ArrayList<>(sentences);
        texts.addAll(List.of("a [MASK] b", "a   [MASK]   b", "\t[MASK]\n", "x[MASK]y", "[MASK]  [MASK]", "I love NEW YORK and new york and New  York.",
                "newyork new yorker New Yorks", "die STRASSE, die Straße, die strasse", "<b>  bold</b> <B>", "<b><b><b>", "[MASK]<b> [MASK]"));
        WordPieceTokenizer tok = WordPieceTokenizer.fromJson(json).withMaxLength(UNLIMITED);
        HuggingFaceTokenizer ref = reference(json, 0, "none");
        sameAsReference(tok, ref, texts);
        assertEquals(30525, tok.vocabSize());
        for (String text : texts) {
            long[] ids = ref.encode(text).getIds();
            assertEquals(ref.decode(ids, true), tok.decode(HfReference.ints(ids)), () -> "decode of " + text);
        }
    }

    /**
     * Every code point (planes 4 to 13, all unassigned, and the private-use planes 15 and 16 sampled) inside a word,
     * in the uncased tokenizer and a cased one: the character classes, Unicode 9.0 corrections included,
     * NFD, accent stripping and lowercasing, one character at a time.
     */
    @Test
    void everyCodePointGivesTheReferenceIds() throws IOException {
        String cased = edit(miniLm, root -> root.set("normalizer",
                parse("{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":false,\"lowercase\":false}")));
        record Case(WordPieceTokenizer tok, HuggingFaceTokenizer ref, String before, String after) {}
        List<Case> cases = List.of(
                new Case(mine, reference(miniLm, 0, "none"), "a", "b"),
                new Case(WordPieceTokenizer.fromJson(cased), reference(cased, 0, "none"), "A", "é"));
        int checked = 0;
        for (Case c : cases) {
            List<String> batch = new ArrayList<>();
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                boolean sampled = cp >= 0x40000 && cp < 0xE0000 || cp >= 0xF0000;
                if (Character.isSurrogate((char) cp) && cp < 0x10000 || sampled && cp % 1021 != 0) continue;
                batch.add(c.before() + Character.toString(cp) + c.after());
                if (batch.size() == 8192 || cp == Character.MAX_CODE_POINT) {
                    var want = c.ref().batchEncode(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        int[] got = c.tok().encode(batch.get(i)).ids();
                        int[] expected = HfReference.ints(want[i].getIds());
                        if (!Arrays.equals(expected, got)) {
                            int at = batch.get(i).codePointAt(c.before().length());
                            assertArrayEquals(expected, got, String.format("U+%04X (type %d) between '%s' and '%s'", at, Character.getType(at), c.before(), c.after()));
                        }
                        checked++;
                    }
                    batch.clear();
                }
            }
        }
        assertTrue(checked > 2 * 300_000, "checked " + checked);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String edit(String json, Consumer<ObjectNode> change) {
        ObjectNode root = (ObjectNode) parse(json);
        change.accept(root);
        return root.toString();
    }
}
