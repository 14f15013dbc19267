package dev.panamax.data.text;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The tokens a tokenizer.json lists under {@code added_tokens} ({@code [CLS]}, {@code [MASK]}, ...), which
 * Hugging Face's {@code tokenizers} finds in the text before anything else, so "a [MASK] b" holds the mask token
 * and not the pieces of "[", "mask", "]". Matching is leftmost-longest, without overlaps, as its Aho-Corasick
 * automaton does; {@code lstrip} and {@code rstrip} tokens take the whitespace beside them along. The tokens with
 * {@code normalized: false} are found in the raw text, the others in each stretch of it after normalization, in their
 * normalized spelling. Immutable, so thread-safe.
 */
final class AddedTokens {
    /**
     * One entry of {@code added_tokens}.
     *
     * @param content    its text
     * @param id         its id
     * @param special    skipped by {@code decode}
     * @param lstrip     takes the whitespace before it
     * @param rstrip     takes the whitespace after it
     * @param normalized found in normalized text (else in the raw text)
     */
    record Token(String content, int id, boolean special, boolean lstrip, boolean rstrip, boolean normalized) {}

    /** Where a split sends the text between tokens and each token found. */
    interface Sink {
        /** The stretch {@code text[start, end)} holds no added token. */
        void text(String text, int start, int end);

        /** Token {@code id} comes next. */
        void token(int id);
    }

    static final AddedTokens NONE = new AddedTokens(List.of());

    private final Token[] tokens;   // longest first, so the first that matches at a place is the longest there
    private final String firstChars; // the distinct first chars of all contents: a place starting with none is skipped

    AddedTokens(List<Token> tokens) {
        this.tokens = tokens.stream().filter(t -> !t.content().isEmpty())
                .sorted(Comparator.comparingInt((Token t) -> t.content().length()).reversed()).toArray(Token[]::new);
        StringBuilder firsts = new StringBuilder();
        for (Token t : this.tokens) if (firsts.indexOf(t.content().substring(0, 1)) < 0) firsts.append(t.content().charAt(0));
        this.firstChars = firsts.toString();
    }

    boolean isEmpty() {
        return tokens.length == 0;
    }

    /** Sends {@code text} to {@code sink}: stretches without tokens and the tokens between them, in order. */
    void split(String text, Sink sink) {
        int done = 0;  // end of what the sink has been given
        for (int at = nextCandidate(text, 0); at < text.length(); ) {
            Token t = longestAt(text, at);
            if (t == null) {
                at = nextCandidate(text, at + 1);
                continue;
            }
            int end = at + t.content().length();
            int start = t.lstrip() ? Math.max(done, whitespaceBefore(text, at)) : at;
            int stop = t.rstrip() ? whitespaceAfter(text, end) : end;
            if (done < start) sink.text(text, done, start);
            sink.token(t.id());
            done = stop;
            at = nextCandidate(text, end);  // the automaton goes on from the match's end, stripped space or not
        }
        if (done < text.length()) sink.text(text, done, text.length());
    }

    /** The next index from {@code from} whose char starts some token, or the text's length. */
    private int nextCandidate(String text, int from) {
        if (firstChars.length() == 1) {
            int i = text.indexOf(firstChars.charAt(0), from);
            return i < 0 ? text.length() : i;
        }
        for (int i = from; i < text.length(); i++) if (firstChars.indexOf(text.charAt(i)) >= 0) return i;
        return text.length();
    }

    private Token longestAt(String text, int at) {
        for (Token t : tokens) if (text.startsWith(t.content(), at)) return t;
        return null;
    }

    /** The start of the whitespace run that ends at {@code at}. */
    private static int whitespaceBefore(String text, int at) {
        while (at > 0) {
            int cp = text.codePointBefore(at);
            if (!BertChars.isWhitespace(cp)) break;
            at -= Character.charCount(cp);
        }
        return at;
    }

    /** The end of the whitespace run that starts at {@code at}. */
    private static int whitespaceAfter(String text, int at) {
        while (at < text.length()) {
            int cp = text.codePointAt(at);
            if (!BertChars.isWhitespace(cp)) break;
            at += Character.charCount(cp);
        }
        return at;
    }

    /** The ids of the special tokens, sorted. */
    int[] specialIds() {
        return Arrays.stream(tokens).filter(Token::special).mapToInt(Token::id).sorted().distinct().toArray();
    }
}
