package dev.panamax.data.text;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Random training windows for a language model: each draw fills one reused I32 tensor {@code (batch, context + 1)}
 * with {@code batch} runs of consecutive tokens starting at uniformly drawn positions, and hands out two views of
 * it, the inputs (every column but the last) and the targets (every column but the first), so target
 * {@code [b, t]} is the token that follows input {@code [b, t]}. The same seed gives the same windows. A draw
 * allocates nothing; its tensors are valid until the next draw.
 */
public final class WindowSampler implements AutoCloseable {
    /**
     * One draw: views of the sampler's buffer.
     *
     * @param inputs  (batch, context) I32, window[:, :-1]; rows are not contiguous (row stride context + 1)
     * @param targets (batch, context) I32, window[:, 1:]
     * @param windows (batch, context + 1) I32, the whole windows
     */
    public record Batch(Tensor inputs, Tensor targets, Tensor windows) {}

    private final Tokens tokens;
    private final int batch, context;
    private final Rng rng;
    private final int[] scratch;  // (batch * (context + 1))
    private final Batch buffer;

    /**
     * Windows of {@code context + 1} tokens from {@code tokens}, {@code batch} per draw.
     *
     * @param tokens  the token run to draw windows from
     * @param batch   windows per draw, positive
     * @param context the model's context length: each window holds {@code context + 1} tokens, positive
     * @param seed    the seed of the window starts (same seed, same draws)
     * @throws IllegalArgumentException when {@code tokens} is shorter than one window, or batch or context is not
     *                                  positive
     */
    public WindowSampler(Tokens tokens, int batch, int context, long seed) {
        if (batch <= 0 || context <= 0) throw new IllegalArgumentException("WindowSampler: batch and context must be positive, got " + batch + " and " + context);
        if (tokens.size() < context + 1) {
            throw new IllegalArgumentException("WindowSampler: " + tokens.size() + " tokens cannot hold one window of context + 1 = " + (context + 1)
                    + "; use a shorter context or more text");
        }
        this.tokens = tokens;
        this.batch = batch;
        this.context = context;
        this.rng = new Rng(seed);
        this.scratch = new int[batch * (context + 1)];
        Tensor windows = Tensor.empty(DType.I32, batch, context + 1);
        this.buffer = new Batch(windows.slice(1, 0, context), windows.slice(1, 1, context + 1), windows);
    }

    /**
     * Fills the buffer with {@code batch} new windows and returns its views.
     *
     * @return views of the sampler's buffer, valid until the next call; starts are uniform over the tokens
     */
    public Batch next() {
        int width = context + 1;
        for (int b = 0; b < batch; b++) tokens.copyTo(rng.nextInt(tokens.size() - context), scratch, b * width, width);
        MemorySegment.copy(scratch, 0, buffer.windows().segment(), ValueLayout.JAVA_INT, buffer.windows().offset() * Integer.BYTES, scratch.length);
        buffer.windows().markModified();
        return buffer;
    }

    /** {@return the windows per draw} */
    public int batch() {
        return batch;
    }

    /** {@return the context length: each window holds one token more} */
    public int context() {
        return context;
    }

    /** Frees the buffer and its views. */
    @Override
    public void close() {
        buffer.inputs().close();
        buffer.targets().close();
        buffer.windows().close();
    }
}
