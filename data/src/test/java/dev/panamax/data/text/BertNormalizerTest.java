package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Hugging Face's BertNormalizer, step by step, on hand-worked examples. */
class BertNormalizerTest {
    private static final BertNormalizer UNCASED = new BertNormalizer(true, true, true, true);
    private static final BertNormalizer CASED = new BertNormalizer(true, true, false, false);

    @Test
    void cleanTextDropsControlsAndMapsWhitespaceToSpaces() {
        assertEquals("a b c d e f", CASED.normalize("a\tb\nc\rd\u3000e\u00A0f"));
        assertEquals("abcdefg", CASED.normalize("a\u0000b\u0001c\u200Bd\uFFFDe\u007Ff\uFEFFg"));
        assertEquals("ab c", CASED.normalize("a\u000Bb\u0085 c"), "VT and NEL are control as well as space: dropped");
        assertEquals("a\uE000b", new BertNormalizer(false, false, false, false).normalize("a\uE000b"));
        assertEquals("ab", CASED.normalize("a\uE000b"), "private use is dropped");
        assertEquals("a\u0378b", CASED.normalize("a\u0378b"), "unassigned is kept");
    }

    @Test
    void chineseCharactersGetASpaceOnEachSide() {
        assertEquals(" 中  文 ab", CASED.normalize("中文ab"));
        assertEquals("x 𠀀 y", CASED.normalize("x𠀀y"), "extension B, a surrogate pair");
        assertEquals("ひらがな한국", CASED.normalize("ひらがな한국"), "kana and hangul are not spaced");
        assertEquals("中文", new BertNormalizer(true, false, false, false).normalize("中文"));
    }

    @Test
    void stripAccentsDecomposesAndDropsNonspacingMarks() {
        assertEquals("cafe naive angstrom", UNCASED.normalize("Café Naïve Ångström"));
        assertEquals("cafe", UNCASED.normalize("cafe\u0301"), "already decomposed");
        assertEquals("ﬁ ½", UNCASED.normalize("ﬁ ½"), "NFD, not NFKD: compatibility characters stay");
        assertEquals("Café", CASED.normalize("Café"));
        assertEquals("cafe", new BertNormalizer(false, false, true, false).normalize("cafe\u0301"));
    }

    @Test
    void lowercaseGoesCodePointByCodePointAsRustDoes() {
        assertEquals("οδυσσευσ", new BertNormalizer(false, false, false, true).normalize("ΟΔΥΣΣΕΥΣ"), "no final sigma");
        assertEquals("i\u0307stanbul", new BertNormalizer(false, false, false, true).normalize("İstanbul"), "İ becomes two code points");
        assertEquals("istanbul", UNCASED.normalize("İstanbul"), "stripping first drops the dot");
        assertEquals("straße ß", UNCASED.normalize("STRAßE ẞ"));
        assertEquals("hello, world!", UNCASED.normalize("HeLLo, WORLD!"));
    }

    @Test
    void textThatNeedsNoChangeComesBackAsItIs() {
        String s = "already clean, lowercase ascii.";
        assertSame(s, UNCASED.normalize(s));
        assertSame(s, BertNormalizer.NONE.normalize(s));
    }
}
