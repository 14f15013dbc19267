package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * Scaled dot-product attention as one fused op: inputs {@code q (B, H, Tq, D)}, {@code k, v (B, H, Tk, D)}, output
 * {@code (B, H, Tq, D) = softmax(scale·q·kᵀ + mask)·v}, {@code scale = 1/sqrt(D)} unless given. F32 and F64.
 * <ul>
 *   <li>Causal mode ({@code CausalAttention}): query {@code i} attends to keys {@code j <= i + Tk - Tq}, i.e. the
 *       queries are the <em>last</em> {@code Tq} positions of the key sequence, as a KV cache needs (PyTorch's
 *       {@code is_causal} aligns them to the start instead; with {@code Tq == Tk} both are the lower triangle).</li>
 *   <li>Key padding: {@code keyLengths[b]} valid keys for batch element {@code b} (the rest are padding at the
 *       end), or null for all; combines with the causal mask.</li>
 *   <li>A query row that sees no key (length 0, or causal with {@code Tq > Tk}) outputs 0 and passes no
 *       gradient.</li>
 * </ul>
 * <pre>
 * saves: q, k, v, out, lse = log Σ_j exp(scores) per query row
 * P = exp(scale·q·kᵀ - lse)   dv = Pᵀ·g   dS = P∘(g·vᵀ - rowsum(g∘out))   dq = scale·dS·k   dk = scale·dSᵀ·q
 * </pre>
 * The backend runs both directions without storing the {@code Tq × Tk} scores (FlashAttention's online softmax; see
 * {@code kernels.attention.Attention}).
 */
@Modes({"ScaledDotProductAttention", "CausalAttention"})
public final class ScaledDotProductAttention extends Function {
    private final boolean causal;
    private final int[] keyLengths;
    private final double scale;

    /**
     * @param causal     query {@code i} attends to keys {@code j <= i + Tk - Tq} only
     * @param keyLengths per batch element the number of valid keys, or null for all
     * @param scale      factor on the scores; {@code NaN} means {@code 1/sqrt(D)}
     */
    public ScaledDotProductAttention(boolean causal, int[] keyLengths, double scale) {
        if (Double.isInfinite(scale)) throw new IllegalArgumentException("attention: scale must be finite or NaN (1/sqrt(D)), got " + scale);
        this.causal = causal;
        this.keyLengths = keyLengths == null ? null : keyLengths.clone();
        this.scale = scale;
    }

    /** {@code softmax(q·kᵀ/sqrt(D))·v}, causal or not: the functional entry point. */
    public static Var attention(Var q, Var k, Var v, boolean causal) {
        return new ScaledDotProductAttention(causal, null, Double.NaN).apply1(q, k, v);
    }

    /** {@link #attention(Var, Var, Var, boolean)} with only the first {@code keyLengths[b]} keys of batch element {@code b}. */
    public static Var attention(Var q, Var k, Var v, boolean causal, int[] keyLengths) {
        return new ScaledDotProductAttention(causal, keyLengths, Double.NaN).apply1(q, k, v);
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
        Tensor[] r = Backend.of(q).attention(q, k, v, causal, keyLengths, scaleFor(q));
        ctx.save(q, k, v, r[0], r[1]);
        r[1].close();  // the context holds its own view
        return new Tensor[] {r[0]};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor q = ctx.saved(0), k = ctx.saved(1), v = ctx.saved(2), out = ctx.saved(3), lse = ctx.saved(4);
        return Backend.of(q).attentionBackward(g[0], q, k, v, out, lse, causal, keyLengths, scaleFor(q));
    }

    private double scaleFor(Tensor q) {
        return Double.isNaN(scale) ? 1 / Math.sqrt(Math.max(1, q.dim(3))) : scale;
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
