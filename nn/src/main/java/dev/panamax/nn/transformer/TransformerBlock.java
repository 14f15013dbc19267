package dev.panamax.nn.transformer;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.Layer;
import dev.panamax.nn.LayerNormalization;
import dev.panamax.tensors.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * A pre-norm transformer block (GPT-2): {@code x + attention(norm1(x))}, then {@code x + mlp(norm2(x))} with the
 * MLP {@code C → 4C → C} and GELU between. Input and output {@code (T, C)}.
 */
public final class TransformerBlock extends Layer {
    private final LayerNormalization norm1 = new LayerNormalization(1e-5), norm2 = new LayerNormalization(1e-5);
    private final MultiHeadAttention attention;
    private final Mlp mlp;

    /**
     * A pre-norm block without attention dropout.
     *
     * @param name       the layer's name, unique in its model (weights are saved under it)
     * @param heads      attention heads ({@code C} must divide by it)
     * @param causal     each position attends only to itself and earlier ones
     * @param layers     the number of blocks in the model: GPT-2 scales the residual projections' init by 1/sqrt(2·layers)
     * @param tanhGelu   the tanh approximation of GELU (GPT-2) instead of the exact form (nanoGPT, PyTorch's default)
     */
    public TransformerBlock(String name, int heads, boolean causal, int layers, boolean tanhGelu) {
        this(name, heads, causal, layers, tanhGelu, 0);
    }

    /**
     * A pre-norm block with dropout on the attention probabilities.
     *
     * @param name             the layer's name, unique in its model (weights are saved under it)
     * @param heads            attention heads ({@code C} must divide by it)
     * @param causal           each position attends only to itself and earlier ones
     * @param layers           the number of blocks in the model: GPT-2 scales the residual projections' init by
     *                         1/sqrt(2·layers)
     * @param tanhGelu         the tanh approximation of GELU (GPT-2) instead of the exact form
     * @param attentionDropout probability of dropping an attention probability while training (0: none)
     */
    public TransformerBlock(String name, int heads, boolean causal, int layers, boolean tanhGelu, double attentionDropout) {
        super(name);
        double residualScale = 1 / Math.sqrt(2.0 * layers);
        this.attention = new MultiHeadAttention(heads, causal, residualScale, attentionDropout);
        this.mlp = new Mlp(residualScale, tanhGelu);
    }

    /** {@return the ε of the block's two LayerNorms} */
    public double epsilon() {
        return norm1.epsilon();
    }

    @Override
    public long[] outputShape(long[] in) {
        return attention.outputShape(in);
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        for (Layer l : parts()) {
            l.build(in, rng);
            params.addAll(l.params());
        }
    }

    private List<Layer> parts() {
        return List.of(norm1, attention, norm2, mlp);
    }

    @Override
    public List<String> paramNames() {
        List<String> names = new ArrayList<>();
        String[] prefixes = {"norm1.", "attention.", "norm2.", "mlp."};
        List<Layer> parts = parts();
        for (int i = 0; i < parts.size(); i++) for (String n : parts.get(i).paramNames()) names.add(prefixes[i] + n);
        return names;
    }

    /** The biases and norm scales and shifts: what weight decay leaves alone. */
    List<Var> decayExempt() {
        List<Var> p = params;
        // norm1 γ β, attention qkv_bias (3), out_bias (5), norm2 γ β, mlp biases (9, 11)
        return List.of(p.get(0), p.get(1), p.get(3), p.get(5), p.get(6), p.get(7), p.get(9), p.get(11));
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        Var h = F.add(x, attention.call(norm1.call(x, training, rng), training, rng));
        return F.add(h, mlp.call(norm2.call(h, training, rng), training, rng));
    }

    /** {@link #forward} for new positions of one sequence, attending over {@code cache}; see {@link MultiHeadAttention}. */
    Var forwardCached(Var x, KvCache.Slot cache) {
        Var h = F.add(x, attention.forwardCached(norm1.forward(x, false, null), cache));
        return F.add(h, mlp.forward(norm2.forward(h, false, null), false, null));
    }

    @Override
    public String configJson() {
        return "{\"heads\": " + attention.heads() + "}";
    }
}
