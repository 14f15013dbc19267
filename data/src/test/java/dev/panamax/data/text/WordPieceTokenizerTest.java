package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer's API on {@code tiny_wordpiece_tokenizer.json}, an 18-entry BERT-style vocabulary whose ids can be
 * worked out by hand, and the tokenizer.json parts it refuses.
 */
class WordPieceTokenizerTest {
    private static final String TINY = read("tiny_wordpiece_tokenizer.json");
    private static final WordPieceTokenizer TOK = WordPieceTokenizer.fromJson(TINY);

    private static String read(String resource) {
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void encodesInsideClsAndSepWithMaskAndTypeIds() {
        Encoding e = TOK.encode("Hello, World!");
        assertArrayEquals(new int[] {2, 5, 6, 7, 8, 3}, e.ids());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, e.attentionMask());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0}, e.typeIds());
        assertArrayEquals(new int[] {2, 9, 10, 11, 12, 3}, TOK.encode("Unaffable CAFÉ").ids());
        assertArrayEquals(new int[] {2, 16, 14, 15, 13, 1, 3}, TOK.encode("don't 中x").ids(), "x is unknown");
        assertArrayEquals(new int[] {2, 4, 5, 1, 1, 3}, TOK.encode("[MASK] hello [mask").ids(),
                "[MASK] is found in the raw text; [mask is not it but [ and mask, unknown words here");
        assertArrayEquals(new int[] {2, 3}, TOK.encode("").ids());
        assertArrayEquals(new int[] {2, 3}, TOK.encode(" \t\n\u0000 ").ids());
    }

    @Test
    void truncationKeepsTheFrameAndCutsTheText() {
        assertEquals(WordPieceTokenizer.DEFAULT_MAX_LENGTH, TOK.maxLength(), "the json sets no truncation");
        WordPieceTokenizer four = TOK.withMaxLength(4);
        assertArrayEquals(new int[] {2, 5, 6, 3}, four.encode("hello, world!").ids());
        assertArrayEquals(new int[] {2, 3}, TOK.withMaxLength(2).encode("hello").ids());
        var e = assertThrows(IllegalArgumentException.class, () -> TOK.withMaxLength(1));
        assertTrue(e.getMessage().contains("2 special tokens"), e.getMessage());
        assertEquals(128, TOK.encode("hello ".repeat(500)).length());
    }

    @Test
    void batchesArePaddedToTheLongestRowOrAFixedLength() {
        assertEquals(Padding.LONGEST, TOK.padding(), "the json sets no padding");
        BatchEncoding b = TOK.encodeBatch(List.of("hello", "hello world !"));
        assertEquals(2, b.size());
        assertEquals(5, b.length());
        assertArrayEquals(new int[] {2, 5, 3, 0, 0, 2, 5, 7, 8, 3}, b.ids());
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.attentionMask());
        assertArrayEquals(new int[10], b.typeIds());
        assertArrayEquals(new int[] {2, 5, 7, 8, 3}, b.row(1).ids());

        BatchEncoding cut = TOK.withMaxLength(3).encodeBatch(List.of("hello", "hello world !"));
        assertArrayEquals(new int[] {2, 5, 3, 2, 5, 3}, cut.ids());
        assertEquals(8, TOK.withPadding(Padding.fixed(6).toMultipleOf(4)).encodeBatch(List.of("hello")).length());
        assertEquals(5, TOK.withPadding(Padding.fixed(2)).encodeBatch(List.of("hello", "hello world !")).length(),
                "a row longer than the fixed length widens the batch (truncation is what cuts)");
        assertEquals(0, TOK.encodeBatch(List.of()).size());
    }

    @Test
    void tokensAndDecodeReadIdsBack() {
        int[] ids = TOK.encode("Hello, world! Unaffable").ids();
        assertEquals(List.of("[CLS]", "hello", ",", "world", "!", "un", "##aff", "##able", "[SEP]"), TOK.tokens(ids));
        assertEquals("hello, world! unaffable", TOK.decode(ids));
        assertEquals("don ' t", TOK.decode(new int[] {16, 14, 15}), "cleanup goes token by token, so its \" ' \" rule never matches");
        assertThrows(IllegalArgumentException.class, () -> TOK.decode(new int[] {18}));
        assertEquals(18, TOK.vocabSize());
    }

    @Test
    void manyThreadsGetWhatOneThreadGets() {
        List<String> texts = IntStream.range(0, 2000).mapToObj(i -> "Hello, world! " + "unaffable ".repeat(i % 7) + "café 中" + i).toList();
        List<List<Integer>> alone = texts.stream().map(t -> IntStream.of(TOK.encode(t).ids()).boxed().toList()).toList();
        List<List<Integer>> together = texts.parallelStream().map(t -> IntStream.of(TOK.encode(t).ids()).boxed().toList()).toList();
        assertEquals(alone, together);
    }

    @Test
    void loadsFromAFileAndAStreamAndNamesTheFileInErrors(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("tokenizer.json"), bad = dir.resolve("bpe.json");
        Files.writeString(good, TINY);
        Files.writeString(bad, TINY.replace("\"type\": \"WordPiece\",\n    \"unk_token\"", "\"type\": \"BPE\",\n    \"unk_token\""));
        assertArrayEquals(TOK.encode("hello").ids(), WordPieceTokenizer.load(good).encode("hello").ids());
        try (InputStream in = Files.newInputStream(good)) {
            assertArrayEquals(TOK.encode("hello").ids(), WordPieceTokenizer.load(in).encode("hello").ids());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> WordPieceTokenizer.load(bad));
        assertTrue(e.getMessage().startsWith(bad + ": model type BPE is not WordPiece"), e.getMessage());
    }

    @Test
    void refusesWhatItDoesNotImplementByName() {
        refused("not JSON", "{\"model\": ");
        refused("no \"model\" object", "{}");
        refused("model type BPE is not WordPiece", TINY.replace("\"type\": \"WordPiece\",\n    \"unk_token\"", "\"type\": \"BPE\",\n    \"unk_token\""));
        refused("normalizer NFKC is not implemented", TINY.replace("\"type\": \"BertNormalizer\"", "\"type\": \"NFKC\""));
        refused("pre_tokenizer Whitespace is not implemented", TINY.replace("\"type\": \"BertPreTokenizer\"", "\"type\": \"Whitespace\""));
        refused("pre_tokenizer null is not implemented", TINY.replace("\"pre_tokenizer\": {\n    \"type\": \"BertPreTokenizer\"\n  }", "\"pre_tokenizer\": null"));
        refused("unk_token '<unk>' is not in the vocab", TINY.replace("\"unk_token\": \"[UNK]\"", "\"unk_token\": \"<unk>\""));
        refused("post_processor RobertaProcessing is not implemented", TINY.replace("\"type\": \"TemplateProcessing\"", "\"type\": \"RobertaProcessing\""));
        refused("decoder ByteLevel is not implemented", TINY.replace("\"type\": \"WordPiece\",\n    \"prefix\"", "\"type\": \"ByteLevel\",\n    \"prefix\""));
        refused("single_word: true, which is not implemented", TINY.replaceFirst("\"single_word\": false", "\"single_word\": true"));
        refused("padding direction Left is not implemented",
                TINY.replace("\"padding\": null", "\"padding\": {\"strategy\": \"BatchLongest\", \"direction\": \"Left\", \"pad_id\": 0}"));
        refused("truncation direction Left is not implemented",
                TINY.replace("\"truncation\": null", "\"truncation\": {\"direction\": \"Left\", \"max_length\": 64, \"strategy\": \"LongestFirst\", \"stride\": 0}"));
        refused("truncation strategy OnlySecond",
                TINY.replace("\"truncation\": null", "\"truncation\": {\"direction\": \"Right\", \"max_length\": 64, \"strategy\": \"OnlySecond\", \"stride\": 0}"));
        // Ids beyond int, or far beyond the tokens listed, would size the id table past memory (a Jazzer finding).
        refused("added token \"[PAD]\" has id 77777777777777777777; ids must be integers ≥ 0",
                TINY.replaceFirst("\"id\": 0,", "\"id\": 77777777777777777777,"));
        refused("the largest token id is 2000000000 but the file lists only",
                TINY.replace("\"[UNK]\": 1,", "\"[UNK]\": 1, \"far\": 2000000000,"));
    }

    private static void refused(String expected, String json) {
        var e = assertThrows(IllegalArgumentException.class, () -> WordPieceTokenizer.fromJson(json));
        assertTrue(e.getMessage().startsWith("tokenizer.json: ") && e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
    }

    @Test
    void readsTruncationAndPaddingFromTheJson() {
        WordPieceTokenizer t = WordPieceTokenizer.fromJson(TINY
                .replace("\"truncation\": null", "\"truncation\": {\"direction\": \"Right\", \"max_length\": 64, \"strategy\": \"LongestFirst\", \"stride\": 0}")
                .replace("\"padding\": null", "\"padding\": {\"strategy\": {\"Fixed\": 16}, \"direction\": \"Right\", \"pad_to_multiple_of\": 8,"
                        + " \"pad_id\": 17, \"pad_type_id\": 1, \"pad_token\": \"##s\"}"));
        assertEquals(64, t.maxLength());
        assertEquals(new Padding(16, 8), t.padding());
        BatchEncoding b = t.encodeBatch(List.of("hello"));
        assertEquals(16, b.length());
        assertArrayEquals(new int[] {2, 5, 3, 17}, java.util.Arrays.copyOf(b.ids(), 4));
        assertArrayEquals(new int[] {0, 0, 0, 1}, java.util.Arrays.copyOf(b.typeIds(), 4));
    }

    @Test
    void recordsCheckTheirShapes() {
        assertThrows(IllegalArgumentException.class, () -> new Encoding(new int[2], new int[1], new int[2]));
        assertThrows(IllegalArgumentException.class, () -> new BatchEncoding(2, 3, new int[6], new int[6], new int[5]));
        assertThrows(IndexOutOfBoundsException.class, () -> TOK.encodeBatch(List.of("a")).row(1));
        assertThrows(IllegalArgumentException.class, () -> Padding.fixed(0));
        assertThrows(IllegalArgumentException.class, () -> Padding.LONGEST.toMultipleOf(0));
    }
}
