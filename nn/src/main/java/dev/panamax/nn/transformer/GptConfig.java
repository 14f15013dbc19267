package dev.panamax.nn.transformer;

/**
 * A GPT's shape: vocabulary size, context length (the longest sequence it reads), blocks, heads per block,
 * embedding width ({@code dim}, divisible by {@code heads}), and the GELU form. nanoGPT's CPU configuration is
 * {@code new GptConfig(vocab, 64, 4, 4, 128, false)}.
 */
public record GptConfig(int vocab, int context, int layers, int heads, int dim, boolean tanhGelu) {
    public GptConfig {
        if (vocab <= 0 || context <= 0 || layers <= 0 || heads <= 0 || dim <= 0) {
            throw new IllegalArgumentException("GptConfig: every size must be positive, got " + this);
        }
        if (dim % heads != 0) throw new IllegalArgumentException("GptConfig: dim " + dim + " must be divisible by heads " + heads);
    }
}
