package dev.panamax.data.text;

/**
 * Hugging Face's {@code BertPreTokenizer}: words end at whitespace (which is dropped) and each punctuation character
 * is a word of its own, so "don't!" gives {@code don ' t !}. The character classes are {@link BertChars}'. One pass
 * over the code points, no regex, no allocation.
 */
final class BertPreTokenizer {
    /** Where the words go. */
    interface Words {
        /** The word {@code text[start, end)}, never empty. */
        void word(String text, int start, int end);
    }

    private BertPreTokenizer() {}

    /** Sends each word of {@code text[start, end)} to {@code words}, in order. */
    static void split(String text, int start, int end, Words words) {
        int wordStart = -1;
        for (int i = start; i < end; ) {
            char c = text.charAt(i);
            int cp = Character.isHighSurrogate(c) ? text.codePointAt(i) : c;
            int next = i + Character.charCount(cp);
            boolean space = BertChars.isWhitespace(cp);
            if (space || BertChars.isPunctuation(cp)) {
                if (wordStart >= 0) words.word(text, wordStart, i);
                wordStart = -1;
                if (!space) words.word(text, i, next);
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) words.word(text, wordStart, end);
    }
}
