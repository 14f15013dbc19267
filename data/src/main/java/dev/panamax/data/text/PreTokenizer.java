package dev.panamax.data.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's split of text into the pieces that BPE merges within (never across): contractions, letter runs, digit
 * runs and other-symbol runs, each with at most one leading space, and whitespace runs that leave their last space
 * to the word after them.
 */
final class PreTokenizer {
    /**
     * JavaScript's {@code \s} (what {@code gpt-3-encoder} runs), spelled out: Java's own {@code \s} is ASCII only,
     * and its Unicode flavour differs from JavaScript's in U+0085 and U+FEFF.
     */
    private static final String SPACE = "\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

    /** {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} with that {@code \s}. */
    static final Pattern PATTERN = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" + SPACE + "\\p{L}\\p{N}]+"
            + "|[" + SPACE + "]+(?![^" + SPACE + "])|[" + SPACE + "]+");

    private PreTokenizer() {}

    /** A matcher over {@code text} whose successive {@code find()}s give the pieces, which together cover the text. */
    static Matcher pieces(CharSequence text) {
        return PATTERN.matcher(text);
    }
}
