package dev.panamax.data.text;

import java.util.List;

/**
 * Hugging Face's {@code WordPiece} decoder, for reading token sequences back: a token with the continuation prefix
 * joins the one before it, any other gets a space before it, and with {@code cleanup} each token loses the space
 * before {@code . ? ! ,} and English contractions ({@code n't 'm 's 've 're}), as its {@code cleanup} does token by
 * token. Without a decoder in the json (null), tokens are joined with spaces.
 *
 * @param prefix    the continuation prefix ({@code ##}); {@code null} to join tokens with spaces
 * @param cleanup   undo the pre-tokenizer's spaces around punctuation and contractions
 */
record WordPieceDecoder(String prefix, boolean cleanup) {
    private static final String[][] CLEANUP = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"}, {" 'm", "'m"},
        {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};

    /** The text of {@code tokens}. */
    String decode(List<String> tokens) {
        if (prefix == null) return String.join(" ", tokens);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (i > 0) t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
            if (cleanup) for (String[] r : CLEANUP) t = t.replace(r[0], r[1]);
            out.append(t);
        }
        return out.toString();
    }
}
