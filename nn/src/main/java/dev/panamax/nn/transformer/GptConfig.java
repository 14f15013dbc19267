package dev.panamax.nn.transformer;

/**
 * A GPT's shape: vocabulary size, context length (the longest sequence it reads), blocks, heads per block,
 * embedding width ({@code dim}, divisible by {@code heads}), the GELU form, and the dropout on the attention
 * probabilities while training ({@code attentionDropout}, 0 for none; inference never drops). nanoGPT's CPU
 * configuration is {@code new GptConfig(vocab, 64, 4, 4, 128, false)}.
 *
 * @param vocab            the vocabulary size, positive
 * @param context          the longest sequence the model reads, positive
 * @param layers           the number of transformer blocks, positive
 * @param heads            attention heads per block, positive
 * @param dim              the embedding width, positive and divisible by {@code heads}
 * @param tanhGelu         the tanh approximation of GELU (GPT-2) instead of the exact form
 * @param attentionDropout the dropout on attention probabilities while training, in [0, 1)
 */
public record GptConfig(int vocab, int context, int layers, int heads, int dim, boolean tanhGelu, double attentionDropout) {
    /**
     * Checks the shape.
     *
     * @throws IllegalArgumentException when a size is not positive, {@code dim} does not divide by {@code heads}, or
     *                                  the dropout is outside [0, 1)
     */
    public GptConfig {
        if (vocab <= 0 || context <= 0 || layers <= 0 || heads <= 0 || dim <= 0) {
            throw new IllegalArgumentException("GptConfig: every size must be positive, got " + this);
        }
        if (dim % heads != 0) throw new IllegalArgumentException("GptConfig: dim " + dim + " must be divisible by heads " + heads);
        if (!(attentionDropout >= 0 && attentionDropout < 1)) {
            throw new IllegalArgumentException("GptConfig: attention dropout must be in [0, 1), got " + attentionDropout);
        }
    }

    /**
     * Without attention dropout.
     *
     * @param vocab    the vocabulary size, positive
     * @param context  the longest sequence the model reads, positive
     * @param layers   the number of transformer blocks, positive
     * @param heads    attention heads per block, positive
     * @param dim      the embedding width, positive and divisible by {@code heads}
     * @param tanhGelu the tanh approximation of GELU (GPT-2) instead of the exact form
     * @throws IllegalArgumentException when a size is not positive or {@code dim} does not divide by {@code heads}
     */
    public GptConfig(int vocab, int context, int layers, int heads, int dim, boolean tanhGelu) {
        this(vocab, context, layers, heads, dim, tanhGelu, 0);
    }

    /**
     * This shape with dropout {@code p} on the attention probabilities while training.
     *
     * @param p the dropout, in [0, 1)
     * @return a copy with that dropout
     * @throws IllegalArgumentException when {@code p} is outside [0, 1)
     */
    public GptConfig withAttentionDropout(double p) {
        return new GptConfig(vocab, context, layers, heads, dim, tanhGelu, p);
    }
}
