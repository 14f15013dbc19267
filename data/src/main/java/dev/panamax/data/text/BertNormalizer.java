package dev.panamax.data.text;

import java.text.Normalizer;

/**
 * Hugging Face's {@code BertNormalizer}, step by step in its order: {@code clean_text} drops U+0000, U+FFFD and
 * control characters and turns every whitespace character into a space; {@code handle_chinese_chars} puts a space
 * on each side of a CJK ideograph, so each becomes a word of its own; {@code strip_accents} decomposes (NFD) and
 * drops nonspacing marks (Mn), so "café" becomes "cafe"; {@code lowercase} lowercases each code point on its own,
 * as Rust's {@code char::to_lowercase} does: no final-sigma rule, and İ (U+0130) becomes "i̇" (two code points).
 * The character classes are {@link BertChars}'. Stateless, so thread-safe.
 *
 * @param cleanText          drop controls, map whitespace to a space
 * @param handleChineseChars space out CJK ideographs
 * @param stripAccents       NFD, then drop nonspacing marks (a {@code null} in the json means: same as lowercase)
 * @param lowercase          lowercase every code point
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
    /** The normalizer that changes nothing (a tokenizer.json whose {@code normalizer} is {@code null}). */
    static final BertNormalizer NONE = new BertNormalizer(false, false, false, false);

    /** {@code text} normalized; the same string when nothing changes. */
    String normalize(String text) {
        String s = cleanText || handleChineseChars ? cleanAndSpace(text) : text;
        if (!stripAccents && !lowercase) return s;
        boolean ascii = isAscii(s);
        if (ascii) return lowercase ? lowercaseAscii(s) : s;
        if (stripAccents) s = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (stripAccents && BertChars.isNonspacingMark(cp)) continue;
            if (!lowercase) out.appendCodePoint(cp);
            else if (cp == 0x130) out.append("i\u0307");  // the one unconditional multi-code-point lowercase
            else out.appendCodePoint(Character.toLowerCase(cp));
        }
        return out.toString();
    }

    private static final int KEEP = 0, DROP = 1, SPACE = 2, SPACED = 3;  // what cleanAndSpace does to a code point

    private String cleanAndSpace(String text) {
        StringBuilder out = null;  // made at the first change; until then the text is its own output
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            int action = action(cp);
            if (action != KEEP && out == null) out = new StringBuilder(text.length() + 16).append(text, 0, i);
            if (out != null) {
                switch (action) {
                    case KEEP -> out.append(text, i, next);
                    case SPACE -> out.append(' ');
                    case SPACED -> out.append(' ').appendCodePoint(cp).append(' ');
                    default -> { }
                }
            }
            i = next;
        }
        return out == null ? text : out.toString();
    }

    private int action(int cp) {
        if (cleanText) {
            if (cp == 0 || cp == 0xFFFD || BertChars.isControl(cp)) return DROP;  // before whitespace: VT, FF, NEL are both
            if (cp != ' ' && BertChars.isWhitespace(cp)) return SPACE;
        }
        return handleChineseChars && BertChars.isChinese(cp) ? SPACED : KEEP;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    private static String lowercaseAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) if (chars[j] >= 'A' && chars[j] <= 'Z') chars[j] += 'a' - 'A';
                return new String(chars);
            }
        }
        return s;
    }
}
