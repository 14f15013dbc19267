package dev.panamax.nn.transformer;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.op.ScaledDotProductAttention;

/** Scaled dot-product attention of {@code (B, H, T, D)} queries, keys and values, as the layers call it. */
final class Attend {
    private Attend() {}

    /**
     * {@code softmax(q·kᵀ/√D)·v} as one fused op; when {@code causal}, query {@code i} sees keys up to
     * {@code i + Tk - Tq} (the queries are the last positions, as the key/value cache needs).
     */
    static Var attention(Var q, Var k, Var v, boolean causal) {
        return ScaledDotProductAttention.attention(q, k, v, causal);
    }
}
