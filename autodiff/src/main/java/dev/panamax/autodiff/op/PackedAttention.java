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
 * Multi-head self-attention straight from a packed projection, as one fused op: input {@code qkv (B, T, 3C)} whose
 * last axis holds the queries, keys and values side by side ({@code [q | k | v]}, each {@code C = H·D} wide, head
 * {@code h} in columns {@code [h·D, (h+1)·D)} of each), output {@code (B, T, C)}, the heads side by side. It equals
 * splitting {@code qkv} into {@code (B, H, T, D)} heads, {@link ScaledDotProductAttention} (causal or not, dropout as
 * there) and merging the heads back, without their copies: the backend reads each head out of {@code qkv} in place,
 * writes the output in its {@code (B, T, H, D)} layout, and the backward writes {@code dq, dk, dv} into their columns
 * of one {@code (B, T, 3C)} gradient (the three slices' backwards would each zero-fill a full-size gradient, and two
 * additions would sum them).
 * <pre>
 * saves: qkv, out, lse (B, H, T)        backward: as ScaledDotProductAttention's, dq | dk | dv packed like qkv
 * </pre>
 */
@Modes({"PackedAttention", "CausalPackedAttention"})
public final class PackedAttention extends Function {
    private final int heads;
    private final boolean causal;
    private final double dropout;
    private final long seed;

    /**
     * @param heads   H; {@code C} must divide by it
     * @param causal  position {@code t} attends to positions {@code <= t} only
     * @param dropout probability in {@code [0, 1)} of dropping an attention probability (0: none)
     * @param seed    the dropout mask's seed
     */
    public PackedAttention(int heads, boolean causal, double dropout, long seed) {
        if (heads <= 0) throw new IllegalArgumentException("attention: heads must be positive, got " + heads);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("attention: dropout must be in [0, 1), got " + dropout);
        this.heads = heads;
        this.causal = causal;
        this.dropout = dropout;
        this.seed = seed;
    }

    /** {@code (B, T, C)} attention of the {@code heads} heads packed in {@code qkv (B, T, 3C)}. */
    public static Var attention(Var qkv, int heads, boolean causal) {
        return new PackedAttention(heads, causal, 0, 0).apply1(qkv);
    }

    /** {@link #attention(Var, int, boolean)} with dropout {@code p} on the probabilities, its mask drawn from {@code seed}. */
    public static Var attention(Var qkv, int heads, boolean causal, double dropout, long seed) {
        return new PackedAttention(heads, causal, dropout, seed).apply1(qkv);
    }

    @Override
    public String name() {
        return causal ? "CausalPackedAttention" : "PackedAttention";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        if (in.length != 1) throw new IllegalArgumentException(name() + ": takes one packed (B, T, 3C) input, got " + in.length);
        Tensor qkv = in[0];
        long[] s = qkv.shape();
        if (s.length != 3 || s[2] % (3L * heads) != 0 || !qkv.dtype().isFloating()) {
            throw new IllegalArgumentException(name() + ": needs an F32 or F64 (B, T, 3C) input with C divisible by " + heads + " heads, got "
                    + qkv.dtype() + " " + Arrays.toString(s));
        }
        Tensor out = Tensor.empty(qkv.dtype(), s[0], s[1], s[2] / 3), lse = Tensor.empty(qkv.dtype(), s[0], heads, s[1]);
        try (Tensor r = split(qkv); Tensor q = r.select(0, 0); Tensor k = r.select(0, 1); Tensor v = r.select(0, 2); Tensor o = merged(out)) {
            Backend.of(qkv).attention(o, lse, q, k, v, spec(s));
        }
        ctx.save(qkv, out, lse);
        lse.close();  // the context holds its own view
        return new Tensor[] {out};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor qkv = ctx.saved(0), out = ctx.saved(1), lse = ctx.saved(2);
        Tensor dqkv = Tensor.empty(qkv.dtype(), qkv.shape());
        try (Tensor r = split(qkv); Tensor q = r.select(0, 0); Tensor k = r.select(0, 1); Tensor v = r.select(0, 2); Tensor o = merged(out);
             Tensor dr = split(dqkv); Tensor dq = dr.select(0, 0); Tensor dk = dr.select(0, 1); Tensor dv = dr.select(0, 2);
             Tensor gm = merged(g[0])) {
            Backend.of(qkv).attentionBackward(dq, dk, dv, gm, q, k, v, o, lse, spec(qkv.shape()));
        }
        return new Tensor[] {dqkv};
    }

    private AttentionSpec spec(long[] s) {
        return new AttentionSpec(causal, null, 1 / Math.sqrt(Math.max(1, s[2] / 3 / heads)), dropout, seed);
    }

    /** {@code (B, T, 3C)} as {@code (3, B, H, T, D)}: a view when the packed tensor is contiguous. */
    private Tensor split(Tensor packed) {
        long[] s = packed.shape();
        try (Tensor r = packed.reshape(s[0], s[1], 3, heads, s[2] / 3 / heads)) {
            return r.permute(2, 0, 3, 1, 4);
        }
    }

    /** {@code (B, T, C)} as {@code (B, H, T, D)}: a view when the tensor is contiguous. */
    private Tensor merged(Tensor t) {
        long[] s = t.shape();
        try (Tensor r = t.reshape(s[0], s[1], heads, s[2] / heads)) {
            return r.permute(0, 2, 1, 3);
        }
    }
}
