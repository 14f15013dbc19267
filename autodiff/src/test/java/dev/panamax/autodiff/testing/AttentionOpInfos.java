package dev.panamax.autodiff.testing;

import static dev.panamax.autodiff.testing.OpInfos.info;
import static dev.panamax.autodiff.testing.OpInfos.r;

import dev.panamax.autodiff.op.PackedAttention;
import dev.panamax.autodiff.op.ScaledDotProductAttention;
import dev.panamax.tensors.Tensor;
import java.util.List;

/**
 * The attention records of the OpInfo table, and their reference: attention from tensor ops with the scores stored
 * whole and the dropout mask built here from its definition, independently of the kernel's.
 */
final class AttentionOpInfos {
    private AttentionOpInfos() {}

    static void addTo(List<OpInfo> l) {
        // D = 3, 9, 12 leave vector tails; Tq = 35, Tk = 67 cross the kernel's query (32) and key (64) tiles; T = 1;
        // Tq < Tk (causal: queries aligned to the end of the keys); (2, 2, 10, 12) is above the kernel's threshold for
        // splitting heads over threads.
        l.add(info("scaled_dot_product_attention", v -> ScaledDotProductAttention.attention(v[0], v[1], v[2], false),
                () -> List.of(qkv(51, 2, 3, 5, 5, 3), qkv(52, 1, 1, 1, 1, 1), qkv(53, 1, 2, 3, 7, 9), qkv(54, 1, 1, 35, 67, 3),
                        qkv(55, 2, 2, 10, 10, 12)),
                t -> reference(t, false, null, 0, 0)));
        l.add(info("causal attention", v -> ScaledDotProductAttention.attention(v[0], v[1], v[2], true),
                () -> List.of(qkv(61, 2, 3, 5, 5, 3), qkv(62, 1, 1, 1, 1, 1), qkv(63, 1, 2, 3, 7, 9), qkv(64, 1, 1, 67, 67, 3),
                        qkv(65, 2, 2, 10, 10, 12)),
                t -> reference(t, true, null, 0, 0)));
        int[] lengths = {5, 2}, causalLengths = {7, 3};
        l.add(info("attention key padding", v -> ScaledDotProductAttention.attention(v[0], v[1], v[2], false, lengths),
                () -> List.of(qkv(71, 2, 2, 4, 6, 3), qkv(72, 2, 1, 1, 5, 17)), t -> reference(t, false, lengths, 0, 0)));
        l.add(info("causal attention key padding", v -> ScaledDotProductAttention.attention(v[0], v[1], v[2], true, causalLengths),
                () -> List.of(qkv(81, 2, 2, 7, 7, 5), qkv(82, 2, 1, 3, 8, 5)), t -> reference(t, true, causalLengths, 0, 0)));
        // Dropout: the mask is fixed by the seed, so the finite differences see a deterministic function.
        l.add(info("attention dropout", v -> ScaledDotProductAttention.attention(v[0], v[1], v[2], false, null, 0.3, 11),
                () -> List.of(qkv(91, 2, 2, 6, 9, 5), qkv(92, 1, 1, 35, 67, 3)), t -> reference(t, false, null, 0.3, 11)));
        l.add(info("causal attention key padding dropout",
                v -> ScaledDotProductAttention.attention(v[0], v[1], v[2], true, causalLengths, 0.5, 12),
                () -> List.of(qkv(93, 2, 2, 7, 7, 5), qkv(94, 2, 1, 3, 8, 17)), t -> reference(t, true, causalLengths, 0.5, 12)));
        // Packed: (B, T, 3C) with C = H·D; a transposed (non-contiguous) sample; T = 35 crosses a query tile.
        l.add(info("packed attention", v -> PackedAttention.attention(v[0], 2, false),
                () -> List.of(new Tensor[] {r(101, 2, 5, 18)}, new Tensor[] {r(102, 1, 12, 7).transpose(1, 2)}),
                t -> packedReference(t[0], 2, false, 0, 0)));
        l.add(info("causal packed attention", v -> PackedAttention.attention(v[0], 3, true),
                () -> List.of(new Tensor[] {r(103, 2, 6, 27)}, new Tensor[] {r(104, 1, 35, 9)}), t -> packedReference(t[0], 3, true, 0, 0)));
        l.add(info("causal packed attention dropout", v -> PackedAttention.attention(v[0], 2, true, 0.25, 13),
                () -> List.of(new Tensor[] {r(105, 2, 9, 12)}, new Tensor[] {r(106, 1, 35, 6)}), t -> packedReference(t[0], 2, true, 0.25, 13)));
    }

    /** {@code q (b, h, tq, d)}, {@code k, v (b, h, tk, d)}. */
    static Tensor[] qkv(long seed, long b, long h, long tq, long tk, long d) {
        return new Tensor[] {r(seed, b, h, tq, d), r(seed + 100, b, h, tk, d), r(seed + 200, b, h, tk, d)};
    }

    /**
     * Attention from tensor ops, the T × T scores stored whole: {@code (softmax(q·kᵀ/sqrt(D))∘Z)·v} with the masked
     * scores' exponentials zeroed before the row sums (query i sees key j when {@code j < keyLengths[b]} and, if causal,
     * {@code j <= i + Tk - Tq}) and {@code Z} the dropout factors of {@link #dropoutFactor} (all 1 when {@code p = 0}).
     */
    static Tensor reference(Tensor[] t, boolean causal, int[] keyLengths, double p, long seed) {
        long b = t[0].dim(0), h = t[0].dim(1), tq = t[0].dim(2), tk = t[1].dim(2);
        double[] visible = new double[(int) (b * tq * tk)], z = new double[(int) (b * h * tq * tk)];
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    boolean seen = (keyLengths == null || j < keyLengths[bi]) && (!causal || j <= i + tk - tq);
                    visible[(int) ((bi * tq + i) * tk + j)] = seen ? 1 : 0;
                    for (int hi = 0; hi < h; hi++) {
                        z[(int) (((bi * h + hi) * tq + i) * tk + j)] = dropoutFactor(seed, (int) (bi * h + hi), i, j, p);
                    }
                }
            }
        }
        int[] last = {-1};
        try (Tensor mask = Tensor.of(visible, b, 1, tq, tk); Tensor zt = Tensor.of(z, b, h, tq, tk); Tensor kt = t[1].transpose(2, 3);
             Tensor qk = t[0].matmul(kt); Tensor s = qk.mul(1 / Math.sqrt(t[0].dim(3))); Tensor m = s.max(last, true);
             Tensor shifted = s.sub(m); Tensor e = shifted.exp(); Tensor em = e.mul(mask); Tensor sum = em.sum(last, true);
             Tensor pr = em.div(sum); Tensor dropped = pr.mul(zt)) {
            return dropped.matmul(t[2]);
        }
    }

    /** {@code qkv (B, T, 3C)} split into heads, {@link #reference}, and the heads merged back into {@code (B, T, C)}. */
    static Tensor packedReference(Tensor qkv, int heads, boolean causal, double p, long seed) {
        long b = qkv.dim(0), t = qkv.dim(1), c = qkv.dim(2) / 3, d = c / heads;
        try (Tensor r = qkv.reshape(b, t, 3, heads, d); Tensor split = r.permute(2, 0, 3, 1, 4); Tensor q = split.select(0, 0).contiguous();
             Tensor k = split.select(0, 1).contiguous(); Tensor v = split.select(0, 2).contiguous();
             Tensor a = reference(new Tensor[] {q, k, v}, causal, null, p, seed); Tensor merged = a.permute(0, 2, 1, 3)) {
            return merged.reshape(b, t, c);
        }
    }

    /**
     * The dropout factor of query {@code i}, key {@code j} in head {@code bh = b·H + h}: 0 if dropped, else
     * {@code 1/(1-p)}; written out from the mask's published definition ({@code kernels.attention.DropoutMask}).
     */
    static double dropoutFactor(long seed, int bh, int i, int j, double p) {
        if (p == 0) return 1;
        int row = (int) (splitMix(seed ^ splitMix(((long) bh << 32) | i)) >>> 32);
        int x = row + j * 0x9E3779B9;
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        x ^= x >>> 13;
        x *= 0xC2B2AE35;
        x ^= x >>> 16;
        return (x >>> 8) >= Math.round(p * (1 << 24)) ? 1 / (1 - p) : 0;
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
