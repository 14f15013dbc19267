package dev.panamax.nn.transformer;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.Layer;
import dev.panamax.nn.LayerNormalization;
import dev.panamax.nn.Model;
import dev.panamax.nn.loss.Loss;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A GPT (GPT-2's architecture): token and learned position embeddings, pre-norm {@link TransformerBlock}s with
 * causal attention, a final LayerNorm, and an output head tied to the token embedding ({@code logits = h·wteᵀ}).
 * Input: token ids {@code (B, T)} (I32 or I64), {@code T ≤ context}; output: logits {@code (B, T, vocab)}. The loss
 * is taken over every position: logits {@code (B·T, vocab)} against next-token ids {@code (B, T)}.
 */
public final class Gpt implements Model {
    private final GptConfig config;
    private final Rng rng;
    private final Layer tokens, positions;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNormalization norm = new LayerNormalization(1e-5);
    private long[] inputShape;

    /**
     * A GPT of the given shape with freshly drawn weights (built on first use).
     *
     * @param config the model's shape
     * @param seed   the seed of initialisation and dropout
     */
    public Gpt(GptConfig config, long seed) {
        this.config = config;
        this.rng = new Rng(seed);
        this.tokens = new Table("token_embedding", config.vocab());
        this.positions = new Table("position_embedding", config.context());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new TransformerBlock("block" + i, config.heads(), true, config.layers(), config.tanhGelu(), config.attentionDropout()));
        }
    }

    /** {@return the model's shape} */
    public GptConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "gpt";
    }

    @Override
    public long seed() {
        return rng.seed();
    }

    /** Builds for sequences up to {@code inputShape[0]} tokens (the context length if omitted). */
    @Override
    public Gpt build(long... inputShape) {
        long t = inputShape.length == 0 ? config.context() : inputShape[0];
        if (inputShape.length > 1 || t > config.context()) {
            throw new IllegalArgumentException("gpt: input must be (T) token ids with T ≤ the context " + config.context() + ", got "
                    + Arrays.toString(inputShape));
        }
        if (this.inputShape != null) return this;
        long[] hidden = {config.context(), config.dim()};
        tokens.build(hidden, rng);
        positions.build(hidden, rng);
        for (TransformerBlock b : blocks) b.build(hidden, rng);
        norm.build(hidden, rng);
        this.inputShape = new long[] {t};
        return this;
    }

    @Override
    public long[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    @Override
    public long[] outputShape() {
        return inputShape == null ? null : new long[] {inputShape[0], config.vocab()};
    }

    @Override
    public List<Layer> layers() {
        List<Layer> l = new ArrayList<>(List.of(tokens, positions));
        l.addAll(blocks);
        l.add(norm);
        return l;
    }

    @Override
    public List<Var> params() {
        List<Var> p = new ArrayList<>();
        for (Layer l : layers()) p.addAll(l.params());
        return p;
    }

    /** {@return the biases, norms and embeddings: the parameters AdamW's decoupled weight decay skips} */
    public List<Var> decayExempt() {
        List<Var> p = new ArrayList<>(tokens.params());
        p.addAll(positions.params());
        for (TransformerBlock b : blocks) p.addAll(b.decayExempt());
        p.addAll(norm.params());
        return p;
    }

    @Override
    public Var forward(Var ids, boolean training) {
        long[] s = ids.shape();
        if (s.length != 2 || s[1] > config.context() || s[1] == 0) {
            throw new IllegalArgumentException("gpt: input must be (batch, T) token ids with 0 < T ≤ " + config.context() + ", got "
                    + Arrays.toString(s));
        }
        if (inputShape == null) build(s[1]);
        Var h = hidden(ids, training);                                                           // (B, T, C)
        Var wte = tokens.params().get(0);                                                        // (V, C)
        Var logits = F.matmul(F.reshape(h, s[0] * s[1], config.dim()), F.transpose(wte, 0, 1));  // (B·T, V)
        return F.reshape(logits, s[0], s[1], config.vocab());
    }

    /** The last hidden states after the final norm: {@code (B, T, C)}. */
    private Var hidden(Var ids, boolean training) {
        Var h = embed(ids.value(), 0);
        for (TransformerBlock b : blocks) h = b.call(h, training, rng);
        return norm.call(h, training, rng);
    }

    /** Token plus position embeddings {@code (B, T, C)} of ids {@code (B, T)} at positions {@code start, start + T}. */
    private Var embed(Tensor ids, long start) {
        long t = ids.dim(1);
        try (Tensor i = ids.to(DType.I64); Tensor hi = i.max(); Tensor lo = i.min()) {
            long max = (long) hi.item(), min = (long) lo.item();
            if (min < 0 || max >= config.vocab()) {
                throw new IllegalArgumentException("gpt: token ids must lie in [0, " + config.vocab() + "), found " + min + " to " + max);
            }
            return F.add(F.embedding(tokens.params().get(0), i), F.slice(positions.params().get(0), 0, start, start + t, 1));
        }
    }

    /**
     * {@return an empty key/value cache for generating one sequence with {@link #forwardCached}; the caller closes it}
     */
    public KvCache newCache() {
        if (inputShape == null) build();
        return new KvCache(config.layers(), config.heads(), config.context(), config.dim() / config.heads());
    }

    /**
     * Logits {@code (n, vocab)} for the next {@code n} tokens of one sequence whose earlier tokens {@code cache}
     * holds: the same logits {@link #forward} gives at those positions over the whole sequence, for one position's
     * work each. Inference only (records no gradient); the caller's scope owns the result.
     *
     * @param newTokens the next token ids, each in [0, vocab)
     * @param cache     the cache of this sequence's earlier positions; the new ones are appended
     * @return the logits (n, vocab)
     * @throws IllegalArgumentException when an id is out of range or the sequence would exceed the context
     */
    public Tensor forwardCached(int[] newTokens, KvCache cache) {
        long start = cache.length(), n = newTokens.length;
        if (n == 0 || start + n > config.context()) {
            throw new IllegalArgumentException("gpt: " + (start + n) + " positions exceed the context " + config.context());
        }
        try (GradMode.Switch off = GradMode.noGrad(); Tensor ids = Tensor.of(newTokens, 1, n)) {
            Var h = embed(ids, start);
            cache.beginStep(n);
            for (int i = 0; i < blocks.size(); i++) h = blocks.get(i).forwardCached(h, cache.slot(i));
            cache.endStep();
            h = norm.forward(h, false, rng);
            Var logits = F.matmul(F.reshape(h, n, config.dim()), F.transpose(tokens.params().get(0), 0, 1));
            return logits.value();
        }
    }

    /** The loss over every position: logits {@code (B·T, V)} against the next-token ids {@code (B, T)} flattened. */
    @Override
    public OutputAndLoss forwardWithLoss(Var ids, Tensor targets, Loss loss, boolean training) {
        Var logits = forward(ids, training);
        long[] s = logits.shape();
        try (Tensor flat = targets.reshape(s[0] * s[1])) {
            return new OutputAndLoss(logits, loss.compute(F.reshape(logits, s[0] * s[1], s[2]), flat));
        }
    }

    /** A learned table of {@code rows} vectors, N(0, 0.02²): the token or the position embedding. */
    private static final class Table extends Layer {
        private final int rows;

        Table(String name, int rows) {
            super(name);
            this.rows = rows;
        }

        @Override
        public long[] outputShape(long[] in) {
            return in.clone();
        }

        @Override
        protected void createParams(long[] in, Rng rng) {
            params.add(Var.param(GptInit.normal(rng, 0.02, rows, in[in.length - 1])));
        }

        @Override
        public List<String> paramNames() {
            return List.of("embeddings");
        }

        @Override
        public Var forward(Var x, boolean training, Rng rng) {
            throw new UnsupportedOperationException(name() + " is read by Gpt directly");
        }

        @Override
        public String configJson() {
            return "{\"rows\": " + rows + "}";
        }
    }
}
