package dev.panamax.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The character classes, where BERT's definitions part from Java's predicates. */
class BertCharsTest {
    @Test
    void whitespaceIsUnicodeWhiteSpaceNotJavas() {
        for (int cp : new int[] {' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x85, 0xA0, 0x1680, 0x2007, 0x202F, 0x2028, 0x3000}) {
            assertTrue(BertChars.isWhitespace(cp), Integer.toHexString(cp));
        }
        for (int cp : new int[] {0x1C, 0x1F, 0x200B, 0xFEFF, 'a', 0x180E}) assertFalse(BertChars.isWhitespace(cp), Integer.toHexString(cp));
    }

    @Test
    void controlIsCcCfCoButNotTabNewlineReturnOrUnassigned() {
        for (int cp : new int[] {0, 1, 0x0B, 0x0C, 0x1B, 0x7F, 0x85, 0xAD, 0x200B, 0x200D, 0xFEFF, 0xE000, 0x10FFFD, 0xE0001}) {
            assertTrue(BertChars.isControl(cp), Integer.toHexString(cp));
        }
        for (int cp : new int[] {'\t', '\n', '\r', ' ', 'a', 0x378, 0xFFFF, 0x2FFFF, 0x0890}) assertFalse(BertChars.isControl(cp), Integer.toHexString(cp));
    }

    @Test
    void punctuationIsTheAsciiRangesAndUnicodeP() {
        for (int cp : "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¿¡«»—–‘’“”…、。，！？・".codePoints().toArray()) {
            assertTrue(BertChars.isPunctuation(cp), Character.toString(cp));
        }
        for (int cp : "aZ09 €£©°±×÷😀中々ー".codePoints().toArray()) assertFalse(BertChars.isPunctuation(cp), Character.toString(cp));
    }

    @Test
    void chineseIsTheCjkIdeographBlocksOnly() {
        for (int cp : new int[] {0x4E00, 0x9FFF, 0x3400, 0x20000, 0x2A6DF, 0x2A700, 0x2B81F, 0x2B920, 0x2CEAF, 0xF900, 0x2F800}) {
            assertTrue(BertChars.isChinese(cp), Integer.toHexString(cp));
        }
        // kana, hangul, CJK punctuation, and the gap Hugging Face leaves between extensions D and E
        for (int cp : new int[] {0x3042, 0x30A2, 0xAC00, 0x3001, 0x4DC0, 0x2B820, 0x2B91F, 0x2CEB0, 0x30000}) {
            assertFalse(BertChars.isChinese(cp), Integer.toHexString(cp));
        }
    }

    /** Characters added after Unicode 9.0 were unassigned there; five changed category. */
    @Test
    void categoriesAreUnicode9s() {
        assertEquals(Character.OTHER_PUNCTUATION, Character.getType(0x61D), "Java's Unicode has U+061D as punctuation");
        assertFalse(BertChars.isPunctuation(0x61D), "U+061D (Unicode 14) was unassigned in 9.0");
        assertFalse(BertChars.isNonspacingMark(0x7FD), "U+07FD (Unicode 11)");
        assertFalse(BertChars.isControl(0x13430), "U+13430 (Unicode 12)");
        assertFalse(BertChars.isNonspacingMark(0x1E130), "U+1E130, inside a range (Unicode 12)");
        assertTrue(BertChars.isPunctuation(0x166D), "U+166D was Po in 9.0, So now");
        assertTrue(BertChars.isPunctuation(0x111C9), "U+111C9 was Po in 9.0, Mn now");
        assertTrue(BertChars.isNonspacingMark(0x1734), "U+1734 was Mn in 9.0, Mc now");
        assertTrue(BertChars.isNonspacingMark(0x301));
        assertTrue(BertChars.isPunctuation(0x2E42), "U+2E42 (Unicode 8), just before an added range");
        assertFalse(BertChars.isPunctuation(0x2E43), "U+2E43 (Unicode 10), the range's first");
        assertFalse(BertChars.isPunctuation(0x2E4F), "U+2E4F, the range's last");
    }
}
