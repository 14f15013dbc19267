package dev.panamax.kernels.attention;

/**
 * The dropout mask on attention probabilities: a pure function of {@code (seed, head, query, key)}, so the backward
 * regenerates the forward's mask without storing it, and a test or another framework can rebuild it from this
 * definition. For head {@code bh = b·H + h}, query row {@code i} and key {@code j} (indices within the head):
 * <pre>
 * row  = (int) (mix64(seed ^ mix64((bh &lt;&lt; 32) | i)) &gt;&gt;&gt; 32)         64-bit arithmetic, bh and i as unsigned 32 bits
 * bits = fmix32(row + j·0x9E3779B9)                                  32-bit wrapping arithmetic
 * kept = (bits &gt;&gt;&gt; 8) ≥ round(p·2²⁴)                                 a kept probability is scaled by 1/(1-p)
 *
 * mix64(z):  z += 0x9E3779B97F4A7C15; z = (z ^ (z &gt;&gt;&gt; 30))·0xBF58476D1CE4E5B9;
 *            z = (z ^ (z &gt;&gt;&gt; 27))·0x94D049BB133111EB; return z ^ (z &gt;&gt;&gt; 31)      (SplitMix64)
 * fmix32(x): x ^= x &gt;&gt;&gt; 16; x *= 0x85EBCA6B; x ^= x &gt;&gt;&gt; 13; x *= 0xC2B2AE35; return x ^ (x &gt;&gt;&gt; 16)   (MurmurHash3's finaliser)
 * </pre>
 * The drop rate is {@code round(p·2²⁴)/2²⁴}, within {@code 3·10⁻⁸} of {@code p}. The vector form of {@link #bits}
 * lives beside the other F32 tiles ({@code AttentionTiles}).
 */
final class DropoutMask {
    /** The per-key step of the counter fed to {@link #fmix32} (2³²/φ). */
    static final int GOLDEN = 0x9E3779B9;
    static final int FMIX1 = 0x85EBCA6B, FMIX2 = 0xC2B2AE35;

    private DropoutMask() {}

    /** Keys whose {@code bits >>> 8} fall below this are dropped. */
    static int threshold(double p) {
        return (int) Math.round(p * (1 << 24));
    }

    /** The key-independent part of the hash for query row {@code i} of head {@code bh}. */
    static int rowKey(long seed, int bh, int i) {
        return (int) (mix64(seed ^ mix64(((long) bh << 32) | (i & 0xFFFFFFFFL))) >>> 32);
    }

    /** Whether key {@code j} of the row keyed {@code row} is kept. */
    static boolean kept(int row, int j, int threshold) {
        return (fmix32(row + j * GOLDEN) >>> 8) >= threshold;
    }

    /** {@code z[j] = scale} where key {@code j0 + j} is kept, else 0, for {@code j} in {@code [from, n)}: the scalar twin. */
    static void factorsF(float[] z, int from, int n, int row, int j0, int threshold, float scale) {
        for (int j = from; j < n; j++) z[j] = kept(row, j0 + j, threshold) ? scale : 0f;
    }

    static long mix64(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static int fmix32(int x) {
        x ^= x >>> 16;
        x *= FMIX1;
        x ^= x >>> 13;
        x *= FMIX2;
        return x ^ (x >>> 16);
    }
}
