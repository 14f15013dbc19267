package dev.panamax.data.text;

/**
 * One text's model input: token ids with the template's special tokens ({@code [CLS] ... [SEP]} for BERT), the
 * attention mask (1 for a real token, 0 for padding) and the token type (segment) ids. The three arrays have the
 * same length; the arrays are the caller's, not copied.
 *
 * @param ids           (length) token ids
 * @param attentionMask (length) 1 for a token, 0 for padding
 * @param typeIds       (length) segment of each token, 0 for a single text
 */
public record Encoding(int[] ids, int[] attentionMask, int[] typeIds) {
    /** Checks that the three arrays have one length. */
    public Encoding {
        if (attentionMask.length != ids.length || typeIds.length != ids.length) {
            throw new IllegalArgumentException("Encoding: ids, attentionMask and typeIds must have one length; got "
                    + ids.length + ", " + attentionMask.length + ", " + typeIds.length);
        }
    }

    /**
     * How many tokens, padding included.
     *
     * @return the arrays' length
     */
    public int length() {
        return ids.length;
    }
}
