package dev.panamax.tensors;

/**
 * The masks, scale and dropout of one {@link Backend#attention} call.
 *
 * @param causal     query {@code i} sees keys {@code j <= i + Tk - Tq} only (queries aligned to the end of the keys)
 * @param keyLengths null (every key valid), or per batch element the number of valid keys (right padding)
 * @param scale      factor on the scores, usually {@code 1/sqrt(D)}; finite
 * @param dropout    probability in {@code [0, 1)} that an attention probability is dropped (the others scaled by
 *                   {@code 1/(1-p)}); 0 for none
 * @param seed       the dropout mask's seed: the mask is a pure function of (seed, head, query, key), so the backward
 *                   regenerates the forward's (see {@code kernels.attention.DropoutMask})
 */
public record AttentionSpec(boolean causal, int[] keyLengths, double scale, double dropout, long seed) {
    /**
     * Checks the settings and copies {@code keyLengths}.
     *
     * @throws IllegalArgumentException when {@code scale} is not finite or {@code dropout} is outside [0, 1)
     */
    public AttentionSpec {
        if (!Double.isFinite(scale)) throw new IllegalArgumentException("attention: scale must be finite, got " + scale);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("attention: dropout must be in [0, 1), got " + dropout);
        keyLengths = keyLengths == null ? null : keyLengths.clone();
    }

    /** {@return a copy of the valid key length per batch row, or null when every key is valid} */
    @Override
    public int[] keyLengths() {
        return keyLengths == null ? null : keyLengths.clone();
    }
}
