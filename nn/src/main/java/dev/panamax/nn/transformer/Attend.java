package dev.panamax.nn.transformer;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.op.PackedAttention;
import dev.panamax.autodiff.op.ScaledDotProductAttention;

/** Scaled dot-product attention as the layers call it. */
final class Attend {
    private Attend() {}

    /**
     * {@code softmax(q·kᵀ/√D)·v} of {@code (B, H, T, D)} queries, keys and values as one fused op; when {@code causal},
     * query {@code i} sees keys up to {@code i + Tk - Tq} (the queries are the last positions, as the key/value cache
     * needs).
     */
    static Var attention(Var q, Var k, Var v, boolean causal) {
        return ScaledDotProductAttention.attention(q, k, v, causal);
    }

    /**
     * Self-attention of the {@code heads} heads packed in {@code qkv (B, T, 3C)} ({@code [q | k | v]}), output
     * {@code (B, T, C)}, as one fused op that neither splits nor merges the heads by copying; dropout {@code p} on the
     * probabilities with its mask drawn from {@code seed}.
     */
    static Var packed(Var qkv, int heads, boolean causal, double p, long seed) {
        return PackedAttention.attention(qkv, heads, causal, p, seed);
    }
}
