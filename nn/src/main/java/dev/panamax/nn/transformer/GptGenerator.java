package dev.panamax.nn.transformer;

import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Generates text with a {@link Gpt} and a key/value cache: the prompt is read in one pass, then each new token
 * costs one position. When the sequence reaches the model's context, the cache is refilled from the last half of
 * it (a learned position embedding cannot slide), and generation goes on.
 */
public final class GptGenerator implements AutoCloseable {
    private final Gpt model;
    private final KvCache cache;
    /** Each step's temporaries come from here and go back after it: no allocator call per token once warm. */
    private final StepArena arena = new StepArena("generate");

    /**
     * A generator for {@code model}, with its own key/value cache; close it to free the cache.
     *
     * @param model a built model
     */
    public GptGenerator(Gpt model) {
        this.model = model;
        this.cache = model.newCache();
    }

    /**
     * Streams {@code count} tokens after {@code prompt} to {@code onToken} as they are chosen; returns the whole
     * sequence (prompt, then the new tokens).
     *
     * @param prompt  the token ids to continue, 1 to context long
     * @param count   how many tokens to generate
     * @param sampler chooses each token from the logits
     * @param onToken receives each new token as it is chosen
     * @return the prompt followed by the new tokens
     * @throws IllegalArgumentException when the prompt is empty or longer than the context
     */
    public int[] generate(int[] prompt, int count, Sampler sampler, IntConsumer onToken) {
        int context = model.config().context();
        if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt is empty; give at least one token");
        if (prompt.length > context) {
            throw new IllegalArgumentException("generate: the prompt has " + prompt.length + " tokens but the model reads at most "
                    + context + "; shorten it");
        }
        int[] seq = Arrays.copyOf(prompt, prompt.length + count);
        int len = prompt.length;
        cache.clear();
        float[] logits = step(Arrays.copyOf(prompt, len));
        for (int i = 0; i < count; i++) {
            int next = sampler.next(logits);
            seq[len++] = next;
            onToken.accept(next);
            if (i + 1 == count) break;
            if (cache.length() == context) {  // full: keep the last half as the new prefix
                cache.clear();
                logits = step(Arrays.copyOfRange(seq, len - context / 2, len));
            } else {
                logits = step(new int[] {next});
            }
        }
        return seq;
    }

    /** Feeds {@code tokens} and returns the logits after the last of them. */
    private float[] step(int[] tokens) {
        try (MemoryScope s = MemoryScope.open("generate", arena)) {
            Tensor logits = model.forwardCached(tokens, cache);  // (n, V)
            long v = logits.dim(1);
            try (Tensor last = logits.slice(0, tokens.length - 1, tokens.length).reshape(v)) {
                return last.toFloatArray();
            }
        }
    }

    @Override
    public void close() {
        cache.close();
        arena.close();
    }
}
