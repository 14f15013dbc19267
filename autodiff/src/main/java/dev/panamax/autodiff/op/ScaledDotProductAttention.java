package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.AttentionSpec;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * Scaled dot-product attention as one fused op: inputs {@code q (B, H, Tq, D)}, {@code k, v (B, H, Tk, D)}, output
 * {@code (B, H, Tq, D) = (softmax(scale·q·kᵀ + mask)∘Z)·v}, {@code scale = 1/sqrt(D)} unless given. F32 and F64.
 * <ul>
 *   <li>Causal mode ({@code CausalAttention}): query {@code i} attends to keys {@code j <= i + Tk - Tq}, i.e. the
 *       queries are the <em>last</em> {@code Tq} positions of the key sequence, as a KV cache needs (PyTorch's
 *       {@code is_causal} aligns them to the start instead; with {@code Tq == Tk} both are the lower triangle).</li>
 *   <li>Key padding: {@code keyLengths[b]} valid keys for batch element {@code b} (the rest are padding at the
 *       end), or null for all; combines with the causal mask.</li>
 *   <li>Dropout on the attention probabilities: {@code Z} is 1 when {@code dropout == 0}; else each probability is
 *       zeroed with probability {@code p} and the rest scaled by {@code 1/(1-p)}, the mask a pure function of
 *       {@code (seed, b·H + h, query, key)} (see {@code kernels.attention.DropoutMask}), so the backward
 *       regenerates it and the same seed gives the same mask. Whether to drop (training) is the caller's choice.</li>
 *   <li>A query row that sees no key (length 0, or causal with {@code Tq > Tk}) outputs 0 and passes no
 *       gradient.</li>
 *   <li>Inputs may be views (heads split out of a larger tensor): the backend reads them in place when each row's
 *       {@code D} values are contiguous.</li>
 * </ul>
 * <pre>
 * saves: q, k, v, out, lse = log Σ_j exp(scores) per query row
 * P = exp(scale·q·kᵀ - lse)   dv = (P∘Z)ᵀ·g   dS = P∘((g·vᵀ)∘Z - rowsum(g∘out))   dq = scale·dS·k   dk = scale·dSᵀ·q
 * </pre>
 * The backend runs both directions without storing the {@code Tq × Tk} scores (FlashAttention's online softmax; see
 * {@code kernels.attention.Attention}).
 */
@Modes({"ScaledDotProductAttention", "CausalAttention"})
public final class ScaledDotProductAttention extends Function {
    private final boolean causal;
    private final int[] keyLengths;
    private final double scale, dropout;
    private final long seed;

    /**
     * @param causal     query {@code i} attends to keys {@code j <= i + Tk - Tq} only
     * @param keyLengths per batch element the number of valid keys, or null for all
     * @param scale      factor on the scores; {@code NaN} means {@code 1/sqrt(D)}
     */
    public ScaledDotProductAttention(boolean causal, int[] keyLengths, double scale) {
        this(causal, keyLengths, scale, 0, 0);
    }

    /**
     * @param dropout probability in {@code [0, 1)} of dropping an attention probability (0: none)
     * @param seed    the dropout mask's seed
     */
    public ScaledDotProductAttention(boolean causal, int[] keyLengths, double scale, double dropout, long seed) {
        if (Double.isInfinite(scale)) throw new IllegalArgumentException("attention: scale must be finite or NaN (1/sqrt(D)), got " + scale);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("attention: dropout must be in [0, 1), got " + dropout);
        this.causal = causal;
        this.keyLengths = keyLengths == null ? null : keyLengths.clone();
        this.scale = scale;
        this.dropout = dropout;
        this.seed = seed;
    }

    /** {@code softmax(q·kᵀ/sqrt(D))·v}, causal or not: the functional entry point. */
    public static Var attention(Var q, Var k, Var v, boolean causal) {
        return new ScaledDotProductAttention(causal, null, Double.NaN).apply1(q, k, v);
    }

    /** {@link #attention(Var, Var, Var, boolean)} with only the first {@code keyLengths[b]} keys of batch element {@code b}. */
    public static Var attention(Var q, Var k, Var v, boolean causal, int[] keyLengths) {
        return new ScaledDotProductAttention(causal, keyLengths, Double.NaN).apply1(q, k, v);
    }

    /** {@link #attention(Var, Var, Var, boolean, int[])} with dropout {@code p} on the probabilities, its mask drawn from {@code seed}. */
    public static Var attention(Var q, Var k, Var v, boolean causal, int[] keyLengths, double dropout, long seed) {
        return new ScaledDotProductAttention(causal, keyLengths, Double.NaN, dropout, seed).apply1(q, k, v);
    }

    @Override
    public String name() {
        return causal ? "CausalAttention" : "ScaledDotProductAttention";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        if (in.length != 3) throw new IllegalArgumentException(name() + ": takes (q, k, v), got " + in.length + " inputs");
        Tensor q = in[0], k = in[1], v = in[2];
        checkShapes(q.shape(), k.shape(), v.shape());
        if (!q.dtype().isFloating() || k.dtype() != q.dtype() || v.dtype() != q.dtype()) {
            throw new IllegalArgumentException("attention: q, k and v must all be F32 or all F64, got " + q.dtype() + ", " + k.dtype() + ", "
                    + v.dtype());
        }
        if (keyLengths != null && keyLengths.length != q.dim(0)) {
            throw new IllegalArgumentException("attention: " + keyLengths.length + " key lengths for a batch of " + q.dim(0));
        }
        Tensor out = Tensor.empty(q.dtype(), q.shape()), lse = Tensor.empty(q.dtype(), q.dim(0), q.dim(1), q.dim(2));
        Backend.of(q).attention(out, lse, q, k, v, spec(q));
        ctx.save(q, k, v, out, lse);
        lse.close();  // the context holds its own view
        return new Tensor[] {out};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor q = ctx.saved(0), k = ctx.saved(1), v = ctx.saved(2), out = ctx.saved(3), lse = ctx.saved(4);
        Tensor dq = Tensor.empty(q.dtype(), q.shape()), dk = Tensor.empty(k.dtype(), k.shape()), dv = Tensor.empty(v.dtype(), v.shape());
        Backend.of(q).attentionBackward(dq, dk, dv, g[0], q, k, v, out, lse, spec(q));
        return new Tensor[] {dq, dk, dv};
    }

    private AttentionSpec spec(Tensor q) {
        return new AttentionSpec(causal, keyLengths, Double.isNaN(scale) ? 1 / Math.sqrt(Math.max(1, q.dim(3))) : scale, dropout, seed);
    }

    /** q (B, H, Tq, D), k and v (B, H, Tk, D). */
    private static void checkShapes(long[] q, long[] k, long[] v) {
        boolean ok = q.length == 4 && k.length == 4 && Arrays.equals(k, v) && q[0] == k[0] && q[1] == k[1] && q[3] == k[3];
        if (!ok) {
            throw new IllegalArgumentException("attention: needs q (B, H, Tq, D) and k, v (B, H, Tk, D), got q " + Arrays.toString(q)
                    + ", k " + Arrays.toString(k) + ", v " + Arrays.toString(v));
        }
    }
}
