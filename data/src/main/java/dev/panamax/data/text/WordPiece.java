package dev.panamax.data.text;

import java.util.HashMap;
import java.util.Map;

/**
 * The WordPiece model: a word becomes the longest vocabulary entry that starts it, then the longest entry after that
 * spelled with the continuation prefix ({@code ##}), and so on to its end ("unaffable" → {@code un ##aff ##able}).
 * A word with a part no entry covers, or longer than {@code maxInputCharsPerWord} code points, becomes one unknown
 * token, as Hugging Face's {@code tokenizers} does (never a partial split). Lengths count code points, and a match
 * never ends inside a surrogate pair. Immutable after construction, so thread-safe.
 */
final class WordPiece {
    private final Map<String, Integer> starts;        // entry → id, every entry (a word may start with "##" too)
    private final Map<String, Integer> continuations; // entry without its prefix → id, for entries with the prefix
    private final int longestStart, longestContinuation;  // in chars, so no longer substring is ever looked up
    private final int unkId;
    private final int maxInputCharsPerWord;

    /**
     * A model over {@code vocab}.
     *
     * @param vocab                entry → id
     * @param unkToken             the entry an unmatched word becomes; must be in {@code vocab}
     * @param prefix               the continuation prefix, {@code ##} for BERT
     * @param maxInputCharsPerWord longer words (in code points) become {@code unkToken} whole
     */
    WordPiece(Map<String, Integer> vocab, String unkToken, String prefix, int maxInputCharsPerWord) {
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException("WordPiece: unk_token '" + unkToken + "' is not in the vocab; add it or name a token that is");
        }
        this.unkId = unk;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.starts = new HashMap<>(vocab);
        this.continuations = new HashMap<>();
        int ls = 0, lc = 0;
        for (var e : vocab.entrySet()) {
            ls = Math.max(ls, e.getKey().length());
            if (!prefix.isEmpty() && e.getKey().startsWith(prefix)) {
                String rest = e.getKey().substring(prefix.length());
                continuations.put(rest, e.getValue());
                lc = Math.max(lc, rest.length());
            }
        }
        this.longestStart = ls;
        this.longestContinuation = prefix.isEmpty() ? ls : lc;
        if (prefix.isEmpty()) continuations.putAll(vocab);
    }

    /** Appends the ids of the word {@code text[start, end)} to {@code out}. */
    void tokenize(String text, int start, int end, IntList out) {
        if (end - start > maxInputCharsPerWord && text.codePointCount(start, end) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        for (int from = start; from < end; ) {
            Map<String, Integer> entries = from == start ? starts : continuations;
            int to = Math.min(end, from + (from == start ? longestStart : longestContinuation));
            if (to < end && Character.isLowSurrogate(text.charAt(to)) && Character.isHighSurrogate(text.charAt(to - 1))) to--;
            Integer id = null;
            while (to > from && (id = entries.get(text.substring(from, to))) == null) {
                to -= to - 1 > from && Character.isLowSurrogate(text.charAt(to - 1)) && Character.isHighSurrogate(text.charAt(to - 2)) ? 2 : 1;
            }
            if (id == null) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(id);
            from = to;
        }
    }
}
