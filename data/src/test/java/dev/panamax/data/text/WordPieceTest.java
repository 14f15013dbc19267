package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Greedy longest-match-first WordPiece and its unknown-word rules, on a vocabulary small enough to work by hand. */
class WordPieceTest {
    private static final Map<String, Integer> VOCAB = Map.ofEntries(
            Map.entry("[UNK]", 0), Map.entry("un", 1), Map.entry("##aff", 2), Map.entry("##able", 3), Map.entry("u", 4),
            Map.entry("##n", 5), Map.entry("a", 6), Map.entry("##a", 7), Map.entry("😀", 8), Map.entry("##😀", 9),
            Map.entry("x\uD83D", 10), Map.entry("x", 11), Map.entry("##ab", 12), Map.entry("##abl", 13));
    private static final WordPiece MODEL = new WordPiece(VOCAB, "[UNK]", "##", 100);

    private static int[] ids(String word) {
        IntList out = new IntList(4);
        MODEL.tokenize(word, 0, word.length(), out);
        return out.toArray();
    }

    @Test
    void takesTheLongestEntryFirstThenContinuations() {
        assertArrayEquals(new int[] {1, 2, 3}, ids("unaffable"));
        assertArrayEquals(new int[] {1}, ids("un"), "un, not u ##n");
        assertArrayEquals(new int[] {1, 5}, ids("unn"), "un ##n: the longest start wins, though u ##n ##n covers the word too");
        assertArrayEquals(new int[] {6, 3}, ids("aable"), "##able before ##abl and ##ab");
        assertArrayEquals(new int[] {6, 13}, ids("aabl"));
        assertArrayEquals(new int[] {2}, ids("##aff"), "a word is looked up in the whole vocabulary, prefixed entries too");
    }

    @Test
    void aWordWithAnUncoveredPartIsOneUnknownNotAPartialSplit() {
        assertArrayEquals(new int[] {0}, ids("unaffablex"));
        assertArrayEquals(new int[] {0}, ids("b"));
        assertArrayEquals(new int[] {0}, ids("aablx"), "a ##abl, then no ##x");
    }

    @Test
    void wordsLongerThanTheLimitInCodePointsAreUnknown() {
        assertArrayEquals(new int[] {0}, ids("a".repeat(101)));
        int[] hundred = ids("a".repeat(100));
        assertTrue(hundred.length == 100 && hundred[0] == 6 && hundred[99] == 7);
        int[] emoji = ids("😀".repeat(100));
        assertTrue(emoji.length == 100 && emoji[0] == 8 && emoji[1] == 9, "100 emoji are 200 chars but 100 code points");
        assertArrayEquals(new int[] {0}, ids("😀".repeat(101)));
    }

    @Test
    void aMatchNeverEndsInsideASurrogatePair() {
        assertArrayEquals(new int[] {11, 9}, ids("x😀"), "not the entry 'x' + high surrogate");
    }

    @Test
    void anUnknownTokenOutsideTheVocabularyIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new WordPiece(VOCAB, "<unk>", "##", 100));
        assertTrue(e.getMessage().contains("<unk>"), e.getMessage());
    }
}
