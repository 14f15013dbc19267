package dev.panamax.nn.transformer;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.Layer;
import dev.panamax.tensors.Rng;
import java.util.Arrays;
import java.util.List;

/**
 * Multi-head self-attention over {@code (T, C)} inputs: one fused projection to queries, keys and values
 * ({@code C → 3C}), {@code heads} heads of {@code C / heads} channels attending in parallel (causally when
 * {@code causal}: position t sees positions ≤ t), and an output projection ({@code C → C}). Weights are GPT-2's
 * layout: {@code qkv_kernel (C, 3C)} with columns {@code [q | k | v]}, {@code qkv_bias (3C)},
 * {@code out_kernel (C, C)}, {@code out_bias (C)}; kernels drawn from N(0, 0.02²), the output projection's scaled by
 * {@code outputScale} (GPT-2 scales it by 1/sqrt(2·layers)), biases zero. With {@code attentionDropout > 0} the
 * attention probabilities are dropped with that probability while training (a fresh mask each call, drawn from the
 * forward's {@code Rng}, like {@link dev.panamax.nn.Dropout}); inference never drops.
 */
public final class MultiHeadAttention extends Layer {
    private final int heads;
    private final boolean causal;
    private final double outputScale, attentionDropout;

    /**
     * Attention with the standard initialisation and no dropout.
     *
     * @param heads  attention heads; the input width C must divide by it
     * @param causal whether each position attends only to itself and earlier ones
     * @throws IllegalArgumentException when {@code heads} is not positive
     */
    public MultiHeadAttention(int heads, boolean causal) {
        this(heads, causal, 1.0);
    }

    /**
     * Attention with a scaled output projection and no dropout.
     *
     * @param heads       attention heads; the input width C must divide by it
     * @param causal      whether each position attends only to itself and earlier ones
     * @param outputScale the factor on the output projection's initial weights (1/sqrt(2·layers) in GPT-2)
     * @throws IllegalArgumentException when {@code heads} is not positive
     */
    public MultiHeadAttention(int heads, boolean causal, double outputScale) {
        this(heads, causal, outputScale, 0);
    }

    /**
     * Attention with every option.
     *
     * @param heads            attention heads; the input width C must divide by it
     * @param causal           whether each position attends only to itself and earlier ones
     * @param outputScale      the factor on the output projection's initial weights (1/sqrt(2·layers) in GPT-2)
     * @param attentionDropout probability in {@code [0, 1)} of dropping an attention probability while training
     * @throws IllegalArgumentException when {@code heads} is not positive or the dropout is outside [0, 1)
     */
    public MultiHeadAttention(int heads, boolean causal, double outputScale, double attentionDropout) {
        super("multi_head_attention");
        if (heads <= 0) throw new IllegalArgumentException("MultiHeadAttention: heads must be positive, got " + heads);
        if (!(attentionDropout >= 0 && attentionDropout < 1)) {
            throw new IllegalArgumentException("MultiHeadAttention: attention dropout must be in [0, 1), got " + attentionDropout);
        }
        this.heads = heads;
        this.causal = causal;
        this.outputScale = outputScale;
        this.attentionDropout = attentionDropout;
    }

    /** {@return the number of attention heads} */
    public int heads() {
        return heads;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 2 || in[1] % heads != 0) {
            throw new IllegalArgumentException(name() + ": input must be (T, C) with C divisible by " + heads + " heads, got "
                    + Arrays.toString(in));
        }
        return in.clone();
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        long c = in[1];
        params.add(Var.param(GptInit.normal(rng, 0.02, c, 3 * c)));
        params.add(Var.param(GptInit.zeros(3 * c)));
        params.add(Var.param(GptInit.normal(rng, 0.02 * outputScale, c, c)));
        params.add(Var.param(GptInit.zeros(c)));
    }

    @Override
    public List<String> paramNames() {
        return List.of("qkv_kernel", "qkv_bias", "out_kernel", "out_bias");
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        Var qkv = F.biasAdd(F.matmul(x, params.get(0)), params.get(1));              // x (B, T, C) -> (B, T, 3C)
        double p = training ? attentionDropout : 0;
        Var a = Attend.packed(qkv, heads, causal, p, p > 0 ? rng.nextLong() : 0);    // (B, T, C), heads side by side
        return F.biasAdd(F.matmul(a, params.get(2)), params.get(3));
    }

    /**
     * The forward pass for {@code n} new positions of one sequence, {@code x (1, n, C)}, with the keys and values
     * of the earlier positions taken from {@code cache} and the new ones appended to it: the same output as
     * {@link #forward} over the whole sequence gives at those positions. Inference only (records no gradient).
     */
    Var forwardCached(Var x, KvCache.Slot cache) {
        long[] s = x.shape();  // (1, n, C)
        long n = s[1], c = s[2], d = c / heads;
        Var qkv = F.biasAdd(F.matmul(x, params.get(0)), params.get(1));
        Var split = F.permute(F.reshape(qkv, 1, n, 3, heads, d), 2, 0, 3, 1, 4);   // (3, 1, H, n, D)
        Var q = part(split, 0, 1, n, d);
        cache.append(part(split, 1, 1, n, d).value(), part(split, 2, 1, n, d).value());
        Var a = Attend.attention(q, Var.of(cache.keys()), Var.of(cache.values()), causal);  // (1, H, n, D)
        return F.biasAdd(F.matmul(F.reshape(F.permute(a, 0, 2, 1, 3), 1, n, c), params.get(2)), params.get(3));
    }

    /** Queries (0), keys (1) or values (2): {@code (B, H, T, D)}. */
    private Var part(Var split, int which, long b, long t, long d) {
        return F.reshape(F.slice(split, 0, which, which + 1, 1), b, heads, t, d);
    }

    @Override
    public String configJson() {
        return "{\"heads\": " + heads + ", \"causal\": " + causal + ", \"output_scale\": " + outputScale + ", \"attention_dropout\": "
                + attentionDropout + "}";
    }
}
