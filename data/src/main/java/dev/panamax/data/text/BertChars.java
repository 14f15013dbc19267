package dev.panamax.data.text;

import java.util.Arrays;

/**
 * The character classes of Hugging Face's BERT normaliser and pre-tokenizer, as its Rust code defines them; they
 * differ from Java's own predicates in small ways that change token ids. Rust's {@code char::is_whitespace} is the
 * Unicode White_Space property (Java's {@link Character#isWhitespace} leaves out no-break spaces and counts U+001C to
 * U+001F). Control means general category Cc, Cf or Co (not unassigned), except tab, newline and carriage return,
 * which count as whitespace. Punctuation is the ASCII punctuation ranges plus every P* category, so
 * {@code $ + < = > ^ ` | ~} split words although Unicode calls them symbols.
 *
 * <p>Categories are Unicode 9.0's, which the {@code unicode_categories} crate that {@code tokenizers} uses has, not
 * Java 25's Unicode 16.0: a mark, punctuation or format character added since 9.0 is unassigned there (a letter-like
 * word character), and five characters changed category. {@link #unicode9Type} puts Java's answer back to 9.0's; the
 * exhaustive test of every code point against the reference checks it, and would flag a JDK with newer Unicode.
 *
 * <p>Each test is a table lookup for ASCII and one {@link Character#getType} call above it (plus a binary search for
 * the rare marks, punctuation and format characters).
 */
final class BertChars {
    private static final byte WHITESPACE = 1, CONTROL = 2, PUNCTUATION = 4;
    private static final byte[] ASCII = new byte[128];  // (128) class bits of each ASCII code point

    /**
     * (2 × ranges) first and last code point of each run of marks (Mn), punctuation (P*) and format characters (Cf)
     * that Unicode assigned after 9.0, sorted; found by running every code point through the reference tokenizer.
     */
    private static final int[] ADDED_AFTER_UNICODE_9 = {
            0x061D, 0x061D, 0x07FD, 0x07FD, 0x0890, 0x0891, 0x0897, 0x089F, 0x08CA, 0x08E2, 0x09FD, 0x09FE,
            0x0A76, 0x0A76, 0x0AFA, 0x0AFF, 0x0B55, 0x0B55, 0x0C04, 0x0C04, 0x0C3C, 0x0C3C, 0x0C77, 0x0C77,
            0x0C84, 0x0C84, 0x0D00, 0x0D00, 0x0D3B, 0x0D3C, 0x0D81, 0x0D81, 0x0EBA, 0x0EBA, 0x0ECE, 0x0ECE,
            0x180F, 0x180F, 0x1885, 0x1886, 0x1ABF, 0x1ACE, 0x1B4E, 0x1B4F, 0x1B7D, 0x1B7F, 0x1DF6, 0x1DFB,
            0x2E43, 0x2E4F, 0x2E52, 0x2E5D, 0xA82C, 0xA82C, 0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD,
            0x10D24, 0x10D27, 0x10D69, 0x10D6E, 0x10EAB, 0x10EAD, 0x10EFC, 0x10EFF, 0x10F46, 0x10F50,
            0x10F55, 0x10F59, 0x10F82, 0x10F89, 0x11070, 0x11070, 0x11073, 0x11074, 0x110C2, 0x110C2,
            0x110CD, 0x110CD, 0x111CF, 0x111CF, 0x1123E, 0x1123E, 0x11241, 0x11241, 0x1133B, 0x1133B,
            0x113BB, 0x113C0, 0x113CE, 0x113CE, 0x113D0, 0x113D0, 0x113D2, 0x113D2, 0x113D4, 0x113D5,
            0x113D7, 0x113D8, 0x113E1, 0x113E2, 0x11438, 0x1143F, 0x11442, 0x11444, 0x11446, 0x11446,
            0x1144B, 0x1144F, 0x1145A, 0x1145B, 0x1145D, 0x1145E, 0x11660, 0x1166C, 0x116B9, 0x116B9,
            0x1182F, 0x11837, 0x11839, 0x1183B, 0x1193B, 0x1193C, 0x1193E, 0x1193E, 0x11943, 0x11946,
            0x119D4, 0x119D7, 0x119DA, 0x119DB, 0x119E0, 0x119E0, 0x119E2, 0x119E2, 0x11A01, 0x11A0A,
            0x11A33, 0x11A38, 0x11A3B, 0x11A47, 0x11A51, 0x11A56, 0x11A59, 0x11A5B, 0x11A8A, 0x11A96,
            0x11A98, 0x11A9C, 0x11A9E, 0x11AA2, 0x11B00, 0x11B09, 0x11BE1, 0x11BE1, 0x11C30, 0x11C36,
            0x11C38, 0x11C3D, 0x11C3F, 0x11C3F, 0x11C41, 0x11C45, 0x11C70, 0x11C71, 0x11C92, 0x11CA7,
            0x11CAA, 0x11CB0, 0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6, 0x11D31, 0x11D36, 0x11D3A, 0x11D3A,
            0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47, 0x11D90, 0x11D91, 0x11D95, 0x11D95,
            0x11D97, 0x11D97, 0x11EF3, 0x11EF4, 0x11EF7, 0x11EF8, 0x11F00, 0x11F01, 0x11F36, 0x11F3A,
            0x11F40, 0x11F40, 0x11F42, 0x11F4F, 0x11F5A, 0x11F5A, 0x11FFF, 0x11FFF, 0x12FF1, 0x12FF2,
            0x13430, 0x13440, 0x13447, 0x13455, 0x1611E, 0x16120, 0x16129, 0x16129, 0x1612D, 0x1612F,
            0x16D6D, 0x16D6F, 0x16E97, 0x16E9A, 0x16F4F, 0x16F4F, 0x16FE2, 0x16FE2, 0x16FE4, 0x16FE4,
            0x1CF00, 0x1CF2D, 0x1CF30, 0x1CF46, 0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021,
            0x1E023, 0x1E024, 0x1E026, 0x1E02A, 0x1E08F, 0x1E08F, 0x1E130, 0x1E136, 0x1E2AE, 0x1E2AE,
            0x1E2EC, 0x1E2EF, 0x1E4EC, 0x1E4EF, 0x1E5EE, 0x1E5EF, 0x1E5FF, 0x1E5FF, 0x1E944, 0x1E94A,
            0x1E95E, 0x1E95F
    };

    static {
        for (int c = 0; c < 32; c++) ASCII[c] = CONTROL;
        ASCII[0x7F] = CONTROL;
        for (int c : new int[] {'\t', '\n', '\r', ' '}) ASCII[c] = WHITESPACE;
        ASCII[0x0B] = ASCII['\f'] = CONTROL | WHITESPACE;
        for (int[] r : new int[][] {{33, 47}, {58, 64}, {91, 96}, {123, 126}}) {
            for (int c = r[0]; c <= r[1]; c++) ASCII[c] = PUNCTUATION;
        }
    }

    private BertChars() {}

    /** Rust's {@code char::is_whitespace}: the White_Space property (which tab, newline and U+0085 are part of). */
    static boolean isWhitespace(int cp) {
        if (cp < 128) return (ASCII[cp] & WHITESPACE) != 0;
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || cp >= 0x2000 && cp <= 0x200A
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /**
     * What {@code clean_text} drops: general category Cc, Cf or Co, or a lone surrogate (possible in a Java string,
     * never in a Rust one), except tab, newline and carriage return. Vertical tab, form feed and U+0085 are both
     * control and whitespace; control wins, so they are dropped.
     */
    static boolean isControl(int cp) {
        if (cp < 128) return (ASCII[cp] & CONTROL) != 0;
        return switch (unicode9Type(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> true;
            default -> false;
        };
    }

    /** BERT's punctuation: ASCII 33-47, 58-64, 91-96 and 123-126, and every Unicode P* category. */
    static boolean isPunctuation(int cp) {
        if (cp < 128) return (ASCII[cp] & PUNCTUATION) != 0;
        return switch (unicode9Type(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** What {@code strip_accents} drops after NFD: general category Mn (nonspacing mark). */
    static boolean isNonspacingMark(int cp) {
        return cp >= 0x300 && unicode9Type(cp) == Character.NON_SPACING_MARK;
    }

    /**
     * BERT's {@code _is_chinese_char}: the CJK Unified Ideographs block, its extensions A to E and the compatibility
     * ideographs, as Hugging Face lists them (Japanese kana and Hangul are not in it; they stay inside words).
     */
    static boolean isChinese(int cp) {
        return cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x20000 && cp <= 0x2A6DF
                || cp >= 0x2A700 && cp <= 0x2B73F || cp >= 0x2B740 && cp <= 0x2B81F || cp >= 0x2B920 && cp <= 0x2CEAF
                || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0x2F800 && cp <= 0x2FA1F;
    }

    /**
     * The general category of {@code cp} in Unicode 9.0, as far as marks, punctuation and format characters go (the
     * classes above): Java's, except for the characters added since, which were unassigned, and five that changed.
     */
    static int unicode9Type(int cp) {
        if (cp == 0x166D || cp == 0x111C9) return Character.OTHER_PUNCTUATION;  // now a symbol (So) and a mark (Mn)
        if (cp == 0x1734 || cp == 0x1171E) return Character.NON_SPACING_MARK;   // now spacing marks (Mc)
        int type = Character.getType(cp);
        return switch (type) {
            case Character.NON_SPACING_MARK, Character.FORMAT, Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
                 Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> {
                int i = Arrays.binarySearch(ADDED_AFTER_UNICODE_9, cp);
                // found: a range's first or last; not found: inside a range when the insertion point is odd
                yield i >= 0 || (-i - 1) % 2 == 1 ? Character.UNASSIGNED : type;
            }
            default -> type;
        };
    }
}
