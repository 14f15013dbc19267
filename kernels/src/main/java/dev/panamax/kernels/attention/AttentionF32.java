package dev.panamax.kernels.attention;

import static dev.panamax.kernels.attention.Attention.BK;
import static dev.panamax.kernels.attention.Attention.BQ;
import static dev.panamax.kernels.attention.Attention.PAD;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.attention.Attention.Dims;
import dev.panamax.kernels.attention.Attention.Heads;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** One head of {@link Attention} in F32: the tile loops over {@link AttentionTiles}, vector or scalar twin. */
final class AttentionF32 {
    /**
     * Query rows up to which the forward works row by row, one dot product per key instead of transposing the keys:
     * transposing costs {@code Tk·D} scattered moves, which a few rows of scores do not repay (a KV cache's decoding
     * step, a short prompt). A prompt and the decoding steps after it then run the same code, which the decoding
     * steps keep compiled: a generation's first token, the prompt's pass, used to run tile code hardly ever executed.
     */
    static final int FEW_QUERIES = 8;
    /** Whether the Vector API tiles run (the module is present and its vectors fit the tile sizes). */
    static final boolean VECTOR = Simd.ENABLED && AttentionTiles.vectorFits();

    private AttentionF32() {}

    /** Per-thread scratch, grown to the largest head seen. */
    private static final class Scratch {
        float[] q = new float[0], k = q, kt = q, v = q, vt = q, g = q, dq = q, dk = q, dv = q, di = q, lse = q, acc = q;
        final float[] s = new float[BQ * BK], p = new float[BQ * BK], z = new float[BK], m = new float[BQ], l = new float[BQ];
        final int[] cnt = new int[BQ];

        static float[] fit(float[] a, int n) {
            return a.length >= n ? a : new float[n];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Head {@code h = b·H + head}: query tiles outside, key tiles inside, the online softmax per row. */
    static void forwardHead(boolean vec, Heads out, MemorySegment lse, long lo, Heads q, Heads k, Heads v, Dims s, int h) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), b = h / Math.max(1, s.heads()), hh = h - b * s.heads();
        Scratch w = SCRATCH.get();
        w.q = Scratch.fit(w.q, tq * d);
        w.k = Scratch.fit(w.k, tk * d);
        w.kt = Scratch.fit(w.kt, tk * d + PAD);
        w.v = Scratch.fit(w.v, tk * d);
        w.acc = Scratch.fit(w.acc, BQ * d);
        load(vec, w.q, q, b, hh, tq, d, (float) s.scale());
        load(vec, w.k, k, b, hh, tk, d, 1f);
        boolean few = tq <= FEW_QUERIES;  // decoding or a short prompt: row by row
        if (!few) transpose(w.kt, w.k, tk, d);
        load(vec, w.v, v, b, hh, tk, d, 1f);
        boolean drop = s.dropout() > 0;
        int threshold = DropoutMask.threshold(s.dropout());
        float keepScale = (float) (1 / (1 - s.dropout()));
        for (int i0 = 0; i0 < tq; i0 += BQ) {
            int rows = Math.min(BQ, tq - i0), last = s.end(b, i0 + rows - 1);
            Arrays.fill(w.m, 0, rows, Float.NEGATIVE_INFINITY);
            Arrays.fill(w.l, 0, rows, 0f);
            Arrays.fill(w.acc, 0, rows * d, 0f);
            for (int j0 = 0; j0 < last; j0 += BK) {
                int n = Math.min(BK, last - j0), r0 = counts(w.cnt, s, b, i0, rows, j0, n);
                if (few) {
                    for (int r = r0; r < rows; r++) AttentionTiles.rowScores(vec, w.s, r * BK, w.q, (i0 + r) * d, w.k, j0, w.cnt[r], d);
                } else {
                    AttentionTiles.scores(vec, w.s, w.q, i0 * d, r0, rows, w.cnt, w.kt, tk, d, j0);
                }
                for (int r = r0; r < rows; r++) {
                    int c = w.cnt[r], at = r * BK;
                    float mOld = w.m[r], mNew = Math.max(mOld, AttentionTiles.max(vec, w.s, at, c));
                    float keep = (float) Math.exp(mOld - mNew);  // 0 on the row's first tile (mOld = -∞)
                    w.l[r] = w.l[r] * keep + AttentionTiles.expShift(vec, w.s, at, c, mNew);
                    if (!few) Arrays.fill(w.s, at + c, at + n, 0f);  // for the 4-row groups of accumulate; a row alone stops at c
                    if (drop) {  // the sum above is the undropped softmax's; only the values are dropped
                        AttentionTiles.factors(vec, w.z, c, DropoutMask.rowKey(s.seed(), h, i0 + r), j0, threshold, keepScale);
                        AttentionTiles.mul(vec, w.s, at, w.z, c);
                    }
                    if (mOld != Float.NEGATIVE_INFINITY && keep != 1f) AttentionTiles.scale(vec, w.acc, r * d, d, keep);
                    w.m[r] = mNew;
                }
                if (few) {
                    for (int r = r0; r < rows; r++) AttentionTiles.rowAccumulate(vec, w.acc, r * d, w.s, r * BK, w.v, j0, w.cnt[r], d);
                } else {
                    AttentionTiles.accumulate(vec, w.acc, 0, w.s, r0, rows, w.cnt, w.v, j0, d);
                }
            }
            for (int r = 0; r < rows; r++) {
                float l = w.l[r], inv = l > 0 ? 1 / l : 0f;  // l = 0: the row saw no key, its output is 0
                AttentionTiles.scale(vec, w.acc, r * d, d, inv);
                lse.setAtIndex(JAVA_FLOAT_UNALIGNED, lo + (long) h * tq + i0 + r, l > 0 ? w.m[r] + (float) Math.log(l) : Float.POSITIVE_INFINITY);
            }
            store(vec, out, w.acc, b, hh, i0, rows, d);
        }
    }

    /** Head {@code h}: key tiles outside, query tiles inside; each tile's share of every gradient. */
    static void backwardHead(boolean vec, Heads dq, Heads dk, Heads dv, Heads dout, Heads q, Heads k, Heads v, Heads out, MemorySegment lse,
                             long lo, Dims s, int h) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), b = h / Math.max(1, s.heads()), hh = h - b * s.heads();
        Scratch w = grow(SCRATCH.get(), tq, tk, d);
        load(vec, w.q, q, b, hh, tq, d, (float) s.scale());
        load(vec, w.k, k, b, hh, tk, d, 1f);
        transpose(w.kt, w.k, tk, d);
        load(vec, w.dv, v, b, hh, tk, d, 1f);  // dv is still free: the values' transpose is made from it
        transpose(w.vt, w.dv, tk, d);
        load(vec, w.g, dout, b, hh, tq, d, 1f);
        load(vec, w.dq, out, b, hh, tq, d, 1f);  // as is dq: D[i] = Σ dout∘out is made from it
        for (int i = 0; i < tq; i++) {
            float di = 0;
            for (int c = i * d; c < (i + 1) * d; c++) di += w.g[c] * w.dq[c];
            w.di[i] = di;
        }
        MemorySegment.copy(lse, JAVA_FLOAT_UNALIGNED, (lo + (long) h * tq) * 4, w.lse, 0, tq);
        Arrays.fill(w.dq, 0, tq * d, 0f);
        Arrays.fill(w.dk, 0, tk * d, 0f);
        Arrays.fill(w.dv, 0, tk * d, 0f);
        boolean drop = s.dropout() > 0;
        int threshold = DropoutMask.threshold(s.dropout());
        float keepScale = (float) (1 / (1 - s.dropout()));
        for (int j0 = 0; j0 < tk; j0 += BK) {
            int n = Math.min(BK, tk - j0);
            for (int i0 = 0; i0 < tq; i0 += BQ) {
                int rows = Math.min(BQ, tq - i0), r0 = counts(w.cnt, s, b, i0, rows, j0, n);
                if (r0 == rows) continue;
                AttentionTiles.scores(vec, w.s, w.q, i0 * d, r0, rows, w.cnt, w.kt, tk, d, j0);  // S
                AttentionTiles.scores(vec, w.p, w.g, i0 * d, r0, rows, w.cnt, w.vt, tk, d, j0);  // dout·vᵀ
                for (int r = r0; r < rows; r++) {
                    int c = w.cnt[r], at = r * BK, i = i0 + r;
                    AttentionTiles.expShift(vec, w.s, at, c, w.lse[i]);                         // P = exp(S - lse)
                    if (drop) {
                        AttentionTiles.factors(vec, w.z, c, DropoutMask.rowKey(s.seed(), h, i), j0, threshold, keepScale);
                        AttentionTiles.mul(vec, w.p, at, w.z, c);                                 // dP = (dout·vᵀ)∘Z
                    }
                    AttentionTiles.dsFromDp(vec, w.p, w.s, at, c, w.di[i]);                       // dS = P∘(dP - D)
                    if (drop) AttentionTiles.mul(vec, w.s, at, w.z, c);                           // P∘Z, what reached the output
                    Arrays.fill(w.s, at + c, at + n, 0f);
                    Arrays.fill(w.p, at + c, at + n, 0f);
                }
                AttentionTiles.accumulateTransposed(vec, w.dv, j0, w.s, r0, rows, w.cnt, w.g, i0 * d, d);  // dv += (P∘Z)ᵀ·dout
                AttentionTiles.accumulateTransposed(vec, w.dk, j0, w.p, r0, rows, w.cnt, w.q, i0 * d, d);  // dk += dSᵀ·scale·q
                AttentionTiles.accumulate(vec, w.dq, i0 * d, w.p, r0, rows, w.cnt, w.k, j0, d);            // dq += dS·k (scaled below)
            }
        }
        float scale = (float) s.scale();
        AttentionTiles.scale(vec, w.dq, 0, tq * d, scale);
        store(vec, dq, w.dq, b, hh, 0, tq, d);
        store(vec, dk, w.dk, b, hh, 0, tk, d);
        store(vec, dv, w.dv, b, hh, 0, tk, d);
    }

    private static Scratch grow(Scratch w, int tq, int tk, int d) {
        w.q = Scratch.fit(w.q, tq * d);
        w.g = Scratch.fit(w.g, tq * d);
        w.dq = Scratch.fit(w.dq, tq * d);
        w.k = Scratch.fit(w.k, tk * d);
        w.kt = Scratch.fit(w.kt, tk * d + PAD);
        w.vt = Scratch.fit(w.vt, tk * d + PAD);
        w.dk = Scratch.fit(w.dk, tk * d);
        w.dv = Scratch.fit(w.dv, tk * d);
        w.di = Scratch.fit(w.di, tq);
        w.lse = Scratch.fit(w.lse, tq);
        return w;
    }

    /**
     * The tile's key counts: {@code cnt[r]} keys of {@code [j0, j0 + n)} for each row {@code r} of {@code [i0, i0 + rows)}
     * that sees key {@code j0}; returns the first such row (the rows that see a key are a suffix of the tile's).
     */
    static int counts(int[] cnt, Dims s, int b, int i0, int rows, int j0, int n) {
        int r0 = rows;
        for (int r = rows - 1; r >= 0; r--) {
            int c = Math.min(s.end(b, i0 + r) - j0, n);
            if (c <= 0) break;
            cnt[r] = c;
            r0 = r;
        }
        return r0;
    }

    /**
     * The {@code t} rows of one head of {@code src}, times {@code scale}, into {@code dst (t, d)}: one bulk copy when
     * the rows are adjacent, else row by row (vector loads from a native segment: a {@code MemorySegment.copy} per row
     * of a packed projection cost more than the head's products).
     */
    private static void load(boolean vec, float[] dst, Heads src, int b, int h, int t, int d, float scale) {
        long at = src.row(b, h, 0);
        if (src.rowStride() == d) {
            MemorySegment.copy(src.seg(), JAVA_FLOAT_UNALIGNED, at * 4, dst, 0, t * d);
        } else if (vec && src.seg().isNative()) {
            AttentionTiles.Vector.loadRows(dst, src.seg(), at, src.rowStride(), t, d);
        } else {
            for (int i = 0; i < t; i++, at += src.rowStride()) MemorySegment.copy(src.seg(), JAVA_FLOAT_UNALIGNED, at * 4, dst, i * d, d);
        }
        if (scale != 1f) AttentionTiles.scale(vec, dst, 0, t * d, scale);
    }

    /** {@code src (t, d)} into rows {@code [t0, t0 + t)} of one head of {@code dst}. */
    private static void store(boolean vec, Heads dst, float[] src, int b, int h, int t0, int t, int d) {
        long at = dst.row(b, h, t0);
        if (dst.rowStride() == d) {
            MemorySegment.copy(src, 0, dst.seg(), JAVA_FLOAT_UNALIGNED, at * 4, t * d);
        } else if (vec && dst.seg().isNative()) {
            AttentionTiles.Vector.storeRows(dst.seg(), at, dst.rowStride(), src, t, d);
        } else {
            for (int i = 0; i < t; i++, at += dst.rowStride()) MemorySegment.copy(src, i * d, dst.seg(), JAVA_FLOAT_UNALIGNED, at * 4, d);
        }
    }

    /** {@code dst (d, t)} from {@code rows (t, d)}: contiguous writes, strided reads. */
    private static void transpose(float[] dst, float[] rows, int t, int d) {
        for (int c = 0; c < d; c++) {
            for (int j = 0, at = c; j < t; j++, at += d) dst[c * t + j] = rows[at];
        }
    }
}
