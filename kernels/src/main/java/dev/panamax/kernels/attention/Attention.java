package dev.panamax.kernels.attention;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention as one fused kernel (FlashAttention, Dao et al. 2022; backward as in
 * FlashAttention-2): for each of the {@code B·H} heads independently, with {@code q (Tq, D)}, {@code k, v (Tk, D)}
 * <pre>
 * forward:  S = scale·q·kᵀ (masked)   P = softmax_rows(S)   out = P·v   lse[i] = log Σ_j exp(S[i,j])
 * backward: P = exp(S - lse)   dv = Pᵀ·dout   dP = dout·vᵀ   D[i] = Σ_c dout[i,c]·out[i,c]
 *           dS = P∘(dP - D)    dq = scale·dS·k    dk = scale·dSᵀ·q
 * </pre>
 * The {@code Tq × Tk} score matrix is never stored whole: the forward walks blocks of {@link #BQ} query rows, and for
 * each streams blocks of {@link #BK} keys, keeping per row the running max, the running sum of exponentials and the
 * output accumulator (rescaled when the max grows: the online softmax). The backward recomputes each block's
 * probabilities from the saved {@code lse}, with the key block outside and the query rows inside, so a block's
 * keys, values and their gradient rows stay in cache while every query row passes.
 *
 * <p>Contract:
 * <ul>
 *   <li>Layout: {@code q, out, dout, dq (B, H, Tq, D)}; {@code k, v, dk, dv (B, H, Tk, D)}; {@code lse (B, H, Tq)};
 *       row-major and contiguous, offsets in elements. Outputs are overwritten and never alias inputs.</li>
 *   <li>Masks ({@link Dims}): query {@code i} of batch element {@code b} sees the keys {@code j < end(b, i)}: with
 *       {@code keyLengths}, the first {@code keyLengths[b]} keys (right padding); when causal, only keys
 *       {@code j <= i + Tk - Tq}, i.e. the queries are aligned to the <em>end</em> of the keys, so a KV cache's
 *       new queries see the whole past (with {@code Tq == Tk} this is the usual lower triangle). Every row's
 *       visible keys are a prefix, so masking is a loop bound, never a test per score.</li>
 *   <li>A row that sees no key (length 0, or causal with {@code Tq > Tk}) gets {@code out = 0},
 *       {@code lse = +∞} and zero gradients; {@code exp(S - lse)} is then 0 for any score, so no NaN can appear.</li>
 *   <li>Precision is {@code width} bytes: 4 runs F32 (Vector API inner loops when {@link Simd#ENABLED}, their scalar
 *       F32 twins otherwise and for tails), 8 the F64 scalar loops (the twin and the test oracle).</li>
 *   <li>Threading: heads are split over {@link Parallel}'s threads (below {@link #MIN_PARALLEL_MACS} all on the
 *       caller's); one head is computed by one thread from start to end, its {@code dk, dv} included, so there are
 *       no races and the results do not depend on the split.</li>
 *   <li>Scratch: each thread keeps its own arrays (a {@code ThreadLocal}), grown to the largest head seen and
 *       reused: about {@code 6·T·D + BQ·D} values per head (transposed keys and values, copies of the head's rows,
 *       the gradient accumulators). A warm call allocates nothing in its loops. Copying a head into arrays costs
 *       {@code O(T·D)} against the {@code O(T²·D)} of the products, and lets the vector code read heap and native
 *       segments alike (a Vector API call site that sees both kinds of segment stops being intrinsified).</li>
 * </ul>
 */
public final class Attention {
    /** Query rows per forward block: their max, sum and accumulator ({@code BQ·D} values) stay in L1. */
    static final int BQ = 32;
    /** Keys per block: the block's transposed keys ({@code D·BK} values, 8 KB at D = 32 in F32) stay in L1. */
    static final int BK = 64;
    /** Multiply-adds ({@code B·H·Tq·Tk·D}) below which waking the pool's workers costs more than it saves. */
    static final long MIN_PARALLEL_MACS = 1 << 12;
    /** Spare values after the transposed keys and values, so a vector of scores may run past the last key. */
    static final int PAD = 16;

    private Attention() {}

    /** Keeps the Vector API classes unloaded when the module is absent. */
    private static final class VectorPath {
        static final boolean FITS = Simd.ENABLED && Vector.fits();
    }

    /**
     * The geometry and masks of one call.
     *
     * @param batch      B
     * @param heads      H, heads per batch element
     * @param tq         query rows per head
     * @param tk         keys (and values) per head
     * @param d          head dimension of queries, keys and values
     * @param scale      factor on the scores, usually {@code 1/sqrt(d)}
     * @param causal     query {@code i} sees keys {@code j <= i + tk - tq} only
     * @param keyLengths null (every key valid), or per batch element the number of valid keys, in {@code [0, tk]}
     */
    public record Dims(int batch, int heads, int tq, int tk, int d, double scale, boolean causal, int[] keyLengths) {
        public Dims {
            if (batch < 0 || heads < 0 || tq < 0 || tk < 0 || d < 0) {
                throw new IllegalArgumentException("attention: negative size in (B, H, Tq, Tk, D) = (" + batch + ", " + heads + ", " + tq
                        + ", " + tk + ", " + d + ")");
            }
            if (!Double.isFinite(scale)) throw new IllegalArgumentException("attention: scale must be finite, got " + scale);
            if (keyLengths != null) {
                if (keyLengths.length != batch) {
                    throw new IllegalArgumentException("attention: " + keyLengths.length + " key lengths for a batch of " + batch);
                }
                for (int len : keyLengths) {
                    if (len < 0 || len > tk) throw new IllegalArgumentException("attention: key length " + len + " outside [0, " + tk + "]");
                }
                keyLengths = keyLengths.clone();
            }
        }

        /** Query {@code i} of batch element {@code b} sees the keys {@code [0, end)}. */
        public int end(int b, int i) {
            int e = keyLengths == null ? tk : keyLengths[b];
            return causal ? Math.max(0, Math.min(e, i + tk - tq + 1)) : e;
        }

        long macs() {
            return (long) batch * heads * tq * tk * d;
        }
    }

    /** {@code out (B, H, Tq, D)} and {@code lse (B, H, Tq)} from {@code q (B, H, Tq, D)}, {@code k, v (B, H, Tk, D)}. */
    public static void forward(int width, MemorySegment out, long outOff, MemorySegment lse, long lseOff, MemorySegment q, long qOff,
                               MemorySegment k, long kOff, MemorySegment v, long vOff, Dims s) {
        forward(width, VectorPath.FITS, out, outOff, lse, lseOff, q, qOff, k, kOff, v, vOff, s);
    }

    /** {@link #forward} with the F32 path chosen: {@code vec} the Vector API loops, else their scalar twins (for tests). */
    static void forward(int width, boolean vec, MemorySegment out, long outOff, MemorySegment lse, long lseOff, MemorySegment q,
                        long qOff, MemorySegment k, long kOff, MemorySegment v, long vOff, Dims s) {
        int n = s.batch() * s.heads();
        if (serial(s)) {  // no task objects for small work: a warm small call allocates nothing
            for (int h = 0; h < n; h++) forwardHead(width, vec, out, outOff, lse, lseOff, q, qOff, k, kOff, v, vOff, s, h);
            return;
        }
        Parallel.forChunks(n, (from, to) -> {
            for (long h = from; h < to; h++) forwardHead(width, vec, out, outOff, lse, lseOff, q, qOff, k, kOff, v, vOff, s, (int) h);
        });
    }

    /**
     * {@code dq (B, H, Tq, D)}, {@code dk, dv (B, H, Tk, D)} from the upstream gradient {@code dout (B, H, Tq, D)}, the
     * inputs and the forward's {@code out} and {@code lse}.
     */
    public static void backward(int width, MemorySegment dq, long dqOff, MemorySegment dk, long dkOff, MemorySegment dv, long dvOff,
                                MemorySegment dout, long gOff, MemorySegment q, long qOff, MemorySegment k, long kOff, MemorySegment v,
                                long vOff, MemorySegment out, long outOff, MemorySegment lse, long lseOff, Dims s) {
        backward(width, VectorPath.FITS, dq, dqOff, dk, dkOff, dv, dvOff, dout, gOff, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff, s);
    }

    /** {@link #backward} with the F32 path chosen, as in {@code forward}. */
    static void backward(int width, boolean vec, MemorySegment dq, long dqOff, MemorySegment dk, long dkOff, MemorySegment dv,
                         long dvOff, MemorySegment dout, long gOff, MemorySegment q, long qOff, MemorySegment k, long kOff,
                         MemorySegment v, long vOff, MemorySegment out, long outOff, MemorySegment lse, long lseOff, Dims s) {
        int n = s.batch() * s.heads();
        if (serial(s)) {
            for (int h = 0; h < n; h++) {
                backwardHead(width, vec, dq, dqOff, dk, dkOff, dv, dvOff, dout, gOff, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff, s, h);
            }
            return;
        }
        Parallel.forChunks(n, (from, to) -> {
            for (long h = from; h < to; h++) {
                backwardHead(width, vec, dq, dqOff, dk, dkOff, dv, dvOff, dout, gOff, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff, s,
                        (int) h);
            }
        });
    }

    private static boolean serial(Dims s) {
        return s.macs() < MIN_PARALLEL_MACS || Parallel.THREADS == 1 || s.batch() * s.heads() < 2;
    }

    private static void forwardHead(int width, boolean vec, MemorySegment out, long outOff, MemorySegment lse, long lseOff, MemorySegment q,
                                    long qOff, MemorySegment k, long kOff, MemorySegment v, long vOff, Dims s, int h) {
        if (width == 8) forwardHeadF64(out, outOff, lse, lseOff, q, qOff, k, kOff, v, vOff, s, h);
        else forwardHeadF32(vec, out, outOff, lse, lseOff, q, qOff, k, kOff, v, vOff, s, h);
    }

    private static void backwardHead(int width, boolean vec, MemorySegment dq, long dqOff, MemorySegment dk, long dkOff, MemorySegment dv,
                                     long dvOff, MemorySegment dout, long gOff, MemorySegment q, long qOff, MemorySegment k, long kOff,
                                     MemorySegment v, long vOff, MemorySegment out, long outOff, MemorySegment lse, long lseOff, Dims s, int h) {
        if (width == 8) backwardHeadF64(dq, dqOff, dk, dkOff, dv, dvOff, dout, gOff, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff, s, h);
        else backwardHeadF32(vec, dq, dqOff, dk, dkOff, dv, dvOff, dout, gOff, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff, s, h);
    }

    /** Element offset of head {@code h}'s query rows (and of its out, dout, dq rows). */
    private static long qAt(Dims s, int h) {
        return (long) h * s.tq() * s.d();
    }

    /** Element offset of head {@code h}'s key rows (and of its v, dk, dv rows). */
    private static long kAt(Dims s, int h) {
        return (long) h * s.tk() * s.d();
    }

    /** Element offset of head {@code h}'s lse entries. */
    private static long lseAt(Dims s, int h) {
        return (long) h * s.tq();
    }

    private static int batchOf(Dims s, int h) {
        return h / Math.max(1, s.heads());
    }

    // ------------------------------------------------------------------ F32 heads

    /** Per-thread F32 scratch, grown to the largest head seen. */
    private static final class Floats {
        float[] q = new float[0], k = q, kt = q, v = q, vt = q, g = q, dq = q, dk = q, dv = q, s = new float[BK], p2 = new float[BK];
        float[] acc = q, m = new float[BQ], l = new float[BQ], di = q, lse = q;

        static float[] fit(float[] a, int n) {
            return a.length >= n ? a : new float[n];
        }
    }

    private static final ThreadLocal<Floats> FLOATS = ThreadLocal.withInitial(Floats::new);

    private static void forwardHeadF32(boolean vec, MemorySegment out, long oo, MemorySegment lse, long lo, MemorySegment q, long qo,
                                       MemorySegment k, long ko, MemorySegment v, long vo, Dims s, int h) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), b = batchOf(s, h);
        Floats w = FLOATS.get();
        w.q = Floats.fit(w.q, tq * d);
        w.k = Floats.fit(w.k, tk * d);
        w.kt = Floats.fit(w.kt, tk * d + PAD);
        w.v = Floats.fit(w.v, tk * d);
        w.acc = Floats.fit(w.acc, BQ * d);
        loadScaled(w.q, q, qo + qAt(s, h), tq * d, (float) s.scale());
        load(w.k, k, ko + kAt(s, h), tk * d);
        transpose(w.kt, w.k, tk, d);
        load(w.v, v, vo + kAt(s, h), tk * d);
        for (int i0 = 0; i0 < tq; i0 += BQ) {
            int rows = Math.min(BQ, tq - i0), last = 0;
            Arrays.fill(w.m, 0, rows, Float.NEGATIVE_INFINITY);
            Arrays.fill(w.l, 0, rows, 0f);
            Arrays.fill(w.acc, 0, rows * d, 0f);
            for (int r = 0; r < rows; r++) last = Math.max(last, s.end(b, i0 + r));
            for (int j0 = 0; j0 < last; j0 += BK) {
                for (int r = 0; r < rows; r++) {
                    int n = Math.min(s.end(b, i0 + r), j0 + BK) - j0;
                    if (n > 0) onlineBlockF32(vec, w, (i0 + r) * d, r, j0, n, tk, d);
                }
            }
            for (int r = 0; r < rows; r++) finishRowF32(out, oo + qAt(s, h) + (long) (i0 + r) * d, lse, lo + lseAt(s, h) + i0 + r, w, r, d);
        }
    }

    /** One query row against keys {@code [j0, j0 + n)}: the online softmax step. */
    private static void onlineBlockF32(boolean vec, Floats w, int qi, int r, int j0, int n, int tk, int d) {
        float[] p = w.s;  // (n) scores, then probabilities
        dots(vec, p, w.q, qi, w.kt, tk, d, j0, n);
        float mOld = w.m[r], mNew = Math.max(mOld, max(vec, p, n));
        float keep = (float) Math.exp(mOld - mNew);  // 0 on the row's first block (mOld = -∞)
        w.l[r] = w.l[r] * keep + expShift(vec, p, n, mNew);
        accumulate(vec, w.acc, r * d, keep, p, w.v, j0, d, n);
        w.m[r] = mNew;
    }

    private static void finishRowF32(MemorySegment out, long at, MemorySegment lse, long li, Floats w, int r, int d) {
        float l = w.l[r];
        float inv = l > 0 ? 1 / l : 0f;  // l = 0: the row saw no key, its output is 0
        for (int c = 0; c < d; c++) w.acc[r * d + c] *= inv;
        MemorySegment.copy(w.acc, r * d, out, JAVA_FLOAT_UNALIGNED, at * 4, d);
        lse.setAtIndex(JAVA_FLOAT_UNALIGNED, li, l > 0 ? w.m[r] + (float) Math.log(l) : Float.POSITIVE_INFINITY);
    }

    private static void backwardHeadF32(boolean vec, MemorySegment dq, long dqo, MemorySegment dk, long dko, MemorySegment dv, long dvo,
                                        MemorySegment dout, long go, MemorySegment q, long qo, MemorySegment k, long ko, MemorySegment v,
                                        long vo, MemorySegment out, long oo, MemorySegment lse, long lo, Dims s, int h) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), b = batchOf(s, h);
        long qh = qAt(s, h), kh = kAt(s, h);
        Floats w = growF32(FLOATS.get(), tq, tk, d);
        loadScaled(w.q, q, qo + qh, tq * d, (float) s.scale());
        load(w.k, k, ko + kh, tk * d);
        transpose(w.kt, w.k, tk, d);
        load(w.dv, v, vo + kh, tk * d);  // dv is still free: the values' transpose is made from it
        transpose(w.vt, w.dv, tk, d);
        load(w.g, dout, go + qh, tq * d);
        load(w.dq, out, oo + qh, tq * d);  // as is dq: D[i] = Σ dout∘out is made from it
        for (int i = 0; i < tq; i++) w.di[i] = dotF(w.g, i * d, w.dq, i * d, d);
        load(w.lse, lse, lo + lseAt(s, h), tq);
        Arrays.fill(w.dq, 0, tq * d, 0f);
        Arrays.fill(w.dk, 0, tk * d, 0f);
        Arrays.fill(w.dv, 0, tk * d, 0f);
        for (int j0 = 0; j0 < tk; j0 += BK) {
            for (int i = 0; i < tq; i++) {
                int n = Math.min(s.end(b, i), j0 + BK) - j0;
                if (n > 0) backwardBlockF32(vec, w, i, j0, n, tk, d);
            }
        }
        float scale = (float) s.scale();
        for (int i = 0; i < tq * d; i++) w.dq[i] *= scale;
        MemorySegment.copy(w.dq, 0, dq, JAVA_FLOAT_UNALIGNED, (dqo + qh) * 4, tq * d);
        MemorySegment.copy(w.dk, 0, dk, JAVA_FLOAT_UNALIGNED, (dko + kh) * 4, tk * d);
        MemorySegment.copy(w.dv, 0, dv, JAVA_FLOAT_UNALIGNED, (dvo + kh) * 4, tk * d);
    }

    private static Floats growF32(Floats w, int tq, int tk, int d) {
        w.q = Floats.fit(w.q, tq * d);
        w.g = Floats.fit(w.g, tq * d);
        w.dq = Floats.fit(w.dq, tq * d);
        w.k = Floats.fit(w.k, tk * d);
        w.kt = Floats.fit(w.kt, tk * d + PAD);
        w.vt = Floats.fit(w.vt, tk * d + PAD);
        w.dk = Floats.fit(w.dk, tk * d);
        w.dv = Floats.fit(w.dv, tk * d);
        w.di = Floats.fit(w.di, tq);
        w.lse = Floats.fit(w.lse, tq);
        return w;
    }

    /** Query row {@code i} against keys {@code [j0, j0 + n)}: its share of every gradient. */
    private static void backwardBlockF32(boolean vec, Floats w, int i, int j0, int n, int tk, int d) {
        float[] p = w.s, ds = w.p2;  // (n) each
        int qi = i * d;
        dots(vec, p, w.q, qi, w.kt, tk, d, j0, n);
        expShift(vec, p, n, w.lse[i]);                  // P = exp(S - lse)
        dots(vec, ds, w.g, qi, w.vt, tk, d, j0, n);     // dP = dout·vᵀ
        dsFromDp(vec, ds, p, n, w.di[i]);               // dS = P∘(dP - D)
        scatter(vec, w.dv, j0, p, w.g, qi, d, n);       // dv[j] += P[j]·dout[i]
        scatter(vec, w.dk, j0, ds, w.q, qi, d, n);      // dk[j] += dS[j]·scale·q[i]
        accumulate(vec, w.dq, qi, 1f, ds, w.k, j0, d, n); // dq[i] += Σ dS[j]·k[j]  (scaled at the end)
    }

    // ------------------------------------------------------------------ F32 building blocks: vector or scalar twin

    private static void dots(boolean vec, float[] s, float[] a, int ai, float[] bt, int ld, int d, int j0, int n) {
        if (vec) Vector.dots(s, a, ai, bt, ld, d, j0, n);
        else dotsF(s, a, ai, bt, ld, d, j0, 0, n);
    }

    private static float max(boolean vec, float[] s, int n) {
        return vec ? Vector.max(s, n) : maxF(s, 0, n, Float.NEGATIVE_INFINITY);
    }

    private static float expShift(boolean vec, float[] s, int n, float shift) {
        return vec ? Vector.expShift(s, n, shift) : expShiftF(s, 0, n, shift);
    }

    private static void dsFromDp(boolean vec, float[] dp, float[] p, int n, float di) {
        if (vec) Vector.dsFromDp(dp, p, n, di);
        else dsFromDpF(dp, p, 0, n, di);
    }

    private static void accumulate(boolean vec, float[] acc, int ai, float keep, float[] w, float[] rows, int j0, int d, int n) {
        if (vec) Vector.accumulate(acc, ai, keep, w, rows, j0, d, n);
        else accumulateF(acc, ai, keep, w, rows, j0, d, 0, n);
    }

    private static void scatter(boolean vec, float[] dst, int j0, float[] w, float[] src, int si, int d, int n) {
        if (vec) Vector.scatter(dst, j0, w, src, si, d, n);
        else scatterF(dst, j0, w, src, si, d, 0, n);
    }

    /** {@code s[j] = Σ_c a[ai + c]·bt[c·ld + j0 + j]} for {@code j} in {@code [from, n)}: one row times columns. */
    static void dotsF(float[] s, float[] a, int ai, float[] bt, int ld, int d, int j0, int from, int n) {
        for (int j = from; j < n; j++) {
            float acc = 0;
            for (int c = 0, at = j0 + j; c < d; c++, at += ld) acc += a[ai + c] * bt[at];
            s[j] = acc;
        }
    }

    static float maxF(float[] s, int from, int n, float m) {
        for (int j = from; j < n; j++) m = Math.max(m, s[j]);
        return m;
    }

    /** {@code s[j] = exp(s[j] - shift)} for {@code j} in {@code [from, n)}; returns their sum. */
    static float expShiftF(float[] s, int from, int n, float shift) {
        float sum = 0;
        for (int j = from; j < n; j++) {
            s[j] = (float) Math.exp(s[j] - shift);
            sum += s[j];
        }
        return sum;
    }

    static void dsFromDpF(float[] dp, float[] p, int from, int n, float di) {
        for (int j = from; j < n; j++) dp[j] = p[j] * (dp[j] - di);
    }

    /** {@code acc[ai + c] = keep·acc[ai + c] + Σ_j w[j]·rows[(j0 + j)·d + c]} for {@code c} in {@code [c0, d)}. */
    static void accumulateF(float[] acc, int ai, float keep, float[] w, float[] rows, int j0, int d, int c0, int n) {
        for (int c = c0; c < d; c++) {
            float a = acc[ai + c] * keep;
            for (int j = 0; j < n; j++) a += w[j] * rows[(j0 + j) * d + c];
            acc[ai + c] = a;
        }
    }

    /** {@code dst[(j0 + j)·d + c] += w[j]·src[si + c]} for {@code c} in {@code [c0, d)}. */
    static void scatterF(float[] dst, int j0, float[] w, float[] src, int si, int d, int c0, int n) {
        for (int j = 0; j < n; j++) {
            float wj = w[j];
            int at = (j0 + j) * d;
            for (int c = c0; c < d; c++) dst[at + c] += wj * src[si + c];
        }
    }

    private static float dotF(float[] a, int ai, float[] b, int bi, int n) {
        float s = 0;
        for (int c = 0; c < n; c++) s += a[ai + c] * b[bi + c];
        return s;
    }

    private static void load(float[] dst, MemorySegment src, long off, int n) {
        MemorySegment.copy(src, JAVA_FLOAT_UNALIGNED, off * 4, dst, 0, n);
    }

    private static void loadScaled(float[] dst, MemorySegment src, long off, int n, float scale) {
        load(dst, src, off, n);
        for (int i = 0; i < n; i++) dst[i] *= scale;
    }

    /** {@code dst (d, t)} from {@code rows (t, d)}. */
    private static void transpose(float[] dst, float[] rows, int t, int d) {
        for (int j = 0; j < t; j++) {
            for (int c = 0; c < d; c++) dst[c * t + j] = rows[j * d + c];
        }
    }

    // ------------------------------------------------------------------ F64 heads: the scalar twin

    /** Per-thread F64 scratch, grown to the largest head seen. */
    private static final class Doubles {
        double[] q = new double[0], k = q, kt = q, v = q, vt = q, g = q, dq = q, dk = q, dv = q, s = new double[BK], p2 = new double[BK];
        double[] acc = q, m = new double[BQ], l = new double[BQ], di = q, lse = q;

        static double[] fit(double[] a, int n) {
            return a.length >= n ? a : new double[n];
        }
    }

    private static final ThreadLocal<Doubles> DOUBLES = ThreadLocal.withInitial(Doubles::new);

    private static void forwardHeadF64(MemorySegment out, long oo, MemorySegment lse, long lo, MemorySegment q, long qo,
                                       MemorySegment k, long ko, MemorySegment v, long vo, Dims s, int h) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), b = batchOf(s, h);
        Doubles w = DOUBLES.get();
        w.q = Doubles.fit(w.q, tq * d);
        w.k = Doubles.fit(w.k, tk * d);
        w.kt = Doubles.fit(w.kt, tk * d);
        w.v = Doubles.fit(w.v, tk * d);
        w.acc = Doubles.fit(w.acc, BQ * d);
        loadScaled(w.q, q, qo + qAt(s, h), tq * d, s.scale());
        load(w.k, k, ko + kAt(s, h), tk * d);
        transpose(w.kt, w.k, tk, d);
        load(w.v, v, vo + kAt(s, h), tk * d);
        for (int i0 = 0; i0 < tq; i0 += BQ) {
            int rows = Math.min(BQ, tq - i0), last = 0;
            Arrays.fill(w.m, 0, rows, Double.NEGATIVE_INFINITY);
            Arrays.fill(w.l, 0, rows, 0);
            Arrays.fill(w.acc, 0, rows * d, 0);
            for (int r = 0; r < rows; r++) last = Math.max(last, s.end(b, i0 + r));
            for (int j0 = 0; j0 < last; j0 += BK) {
                for (int r = 0; r < rows; r++) {
                    int n = Math.min(s.end(b, i0 + r), j0 + BK) - j0;
                    if (n > 0) onlineBlockF64(w, (i0 + r) * d, r, j0, n, tk, d);
                }
            }
            for (int r = 0; r < rows; r++) finishRowF64(out, oo + qAt(s, h) + (long) (i0 + r) * d, lse, lo + lseAt(s, h) + i0 + r, w, r, d);
        }
    }

    private static void onlineBlockF64(Doubles w, int qi, int r, int j0, int n, int tk, int d) {
        double[] p = w.s;  // (n) scores, then probabilities
        dotsD(p, w.q, qi, w.kt, tk, d, j0, n);
        double mOld = w.m[r], mNew = mOld;
        for (int j = 0; j < n; j++) mNew = Math.max(mNew, p[j]);
        double keep = Math.exp(mOld - mNew);  // 0 on the row's first block (mOld = -∞)
        w.l[r] = w.l[r] * keep + expShiftD(p, n, mNew);
        accumulateD(w.acc, r * d, keep, p, w.v, j0, d, n);
        w.m[r] = mNew;
    }

    private static void finishRowF64(MemorySegment out, long at, MemorySegment lse, long li, Doubles w, int r, int d) {
        double l = w.l[r], inv = l > 0 ? 1 / l : 0;  // l = 0: the row saw no key, its output is 0
        for (int c = 0; c < d; c++) w.acc[r * d + c] *= inv;
        MemorySegment.copy(w.acc, r * d, out, JAVA_DOUBLE_UNALIGNED, at * 8, d);
        lse.setAtIndex(JAVA_DOUBLE_UNALIGNED, li, l > 0 ? w.m[r] + Math.log(l) : Double.POSITIVE_INFINITY);
    }

    private static void backwardHeadF64(MemorySegment dq, long dqo, MemorySegment dk, long dko, MemorySegment dv, long dvo,
                                        MemorySegment dout, long go, MemorySegment q, long qo, MemorySegment k, long ko, MemorySegment v,
                                        long vo, MemorySegment out, long oo, MemorySegment lse, long lo, Dims s, int h) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), b = batchOf(s, h);
        long qh = qAt(s, h), kh = kAt(s, h);
        Doubles w = growF64(DOUBLES.get(), tq, tk, d);
        loadScaled(w.q, q, qo + qh, tq * d, s.scale());
        load(w.k, k, ko + kh, tk * d);
        transpose(w.kt, w.k, tk, d);
        load(w.dv, v, vo + kh, tk * d);  // dv is still free: the values' transpose is made from it
        transpose(w.vt, w.dv, tk, d);
        load(w.g, dout, go + qh, tq * d);
        load(w.dq, out, oo + qh, tq * d);  // as is dq: D[i] = Σ dout∘out is made from it
        for (int i = 0; i < tq; i++) {
            double di = 0;
            for (int c = 0; c < d; c++) di += w.g[i * d + c] * w.dq[i * d + c];
            w.di[i] = di;
        }
        load(w.lse, lse, lo + lseAt(s, h), tq);
        Arrays.fill(w.dq, 0, tq * d, 0);
        Arrays.fill(w.dk, 0, tk * d, 0);
        Arrays.fill(w.dv, 0, tk * d, 0);
        for (int j0 = 0; j0 < tk; j0 += BK) {
            for (int i = 0; i < tq; i++) {
                int n = Math.min(s.end(b, i), j0 + BK) - j0;
                if (n > 0) backwardBlockF64(w, i, j0, n, tk, d);
            }
        }
        for (int i = 0; i < tq * d; i++) w.dq[i] *= s.scale();
        MemorySegment.copy(w.dq, 0, dq, JAVA_DOUBLE_UNALIGNED, (dqo + qh) * 8, tq * d);
        MemorySegment.copy(w.dk, 0, dk, JAVA_DOUBLE_UNALIGNED, (dko + kh) * 8, tk * d);
        MemorySegment.copy(w.dv, 0, dv, JAVA_DOUBLE_UNALIGNED, (dvo + kh) * 8, tk * d);
    }

    private static Doubles growF64(Doubles w, int tq, int tk, int d) {
        w.q = Doubles.fit(w.q, tq * d);
        w.g = Doubles.fit(w.g, tq * d);
        w.dq = Doubles.fit(w.dq, tq * d);
        w.k = Doubles.fit(w.k, tk * d);
        w.kt = Doubles.fit(w.kt, tk * d);
        w.vt = Doubles.fit(w.vt, tk * d);
        w.dk = Doubles.fit(w.dk, tk * d);
        w.dv = Doubles.fit(w.dv, tk * d);
        w.di = Doubles.fit(w.di, tq);
        w.lse = Doubles.fit(w.lse, tq);
        return w;
    }

    private static void backwardBlockF64(Doubles w, int i, int j0, int n, int tk, int d) {
        double[] p = w.s, ds = w.p2;  // (n) each
        int qi = i * d;
        dotsD(p, w.q, qi, w.kt, tk, d, j0, n);
        expShiftD(p, n, w.lse[i]);                  // P = exp(S - lse)
        dotsD(ds, w.g, qi, w.vt, tk, d, j0, n);     // dP = dout·vᵀ
        for (int j = 0; j < n; j++) ds[j] = p[j] * (ds[j] - w.di[i]);  // dS = P∘(dP - D)
        scatterD(w.dv, j0, p, w.g, qi, d, n);       // dv[j] += P[j]·dout[i]
        scatterD(w.dk, j0, ds, w.q, qi, d, n);      // dk[j] += dS[j]·scale·q[i]
        accumulateD(w.dq, qi, 1, ds, w.k, j0, d, n); // dq[i] += Σ dS[j]·k[j]  (scaled at the end)
    }

    private static void dotsD(double[] s, double[] a, int ai, double[] bt, int ld, int d, int j0, int n) {
        for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int c = 0, at = j0 + j; c < d; c++, at += ld) acc += a[ai + c] * bt[at];
            s[j] = acc;
        }
    }

    private static double expShiftD(double[] s, int n, double shift) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            s[j] = Math.exp(s[j] - shift);
            sum += s[j];
        }
        return sum;
    }

    private static void accumulateD(double[] acc, int ai, double keep, double[] w, double[] rows, int j0, int d, int n) {
        for (int c = 0; c < d; c++) {
            double a = acc[ai + c] * keep;
            for (int j = 0; j < n; j++) a += w[j] * rows[(j0 + j) * d + c];
            acc[ai + c] = a;
        }
    }

    private static void scatterD(double[] dst, int j0, double[] w, double[] src, int si, int d, int n) {
        for (int j = 0; j < n; j++) {
            int at = (j0 + j) * d;
            for (int c = 0; c < d; c++) dst[at + c] += w[j] * src[si + c];
        }
    }

    private static void load(double[] dst, MemorySegment src, long off, int n) {
        MemorySegment.copy(src, JAVA_DOUBLE_UNALIGNED, off * 8, dst, 0, n);
    }

    private static void loadScaled(double[] dst, MemorySegment src, long off, int n, double scale) {
        load(dst, src, off, n);
        for (int i = 0; i < n; i++) dst[i] *= scale;
    }

    private static void transpose(double[] dst, double[] rows, int t, int d) {
        for (int j = 0; j < t; j++) {
            for (int c = 0; c < d; c++) dst[c * t + j] = rows[j * d + c];
        }
    }

    /** The Vector API path over the per-thread arrays; loaded only when {@link Simd#ENABLED}. Small methods, for C2's inlining budget. */
    private static final class Vector {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();

        /** A vector of scores fits the padding and the score buffer ({@link #BK} a multiple of the lane count). */
        static boolean fits() {
            return L <= PAD && BK % L == 0;
        }

        /**
         * {@link #dotsF}, {@code L} keys at a time: the keys are transposed, so a vector holds one coordinate of
         * {@code L} consecutive keys and the scores come out without a lane reduction. Four vectors of keys per step
         * keep four independent multiply-add chains in flight. The last vector may run past key {@code n}: the
         * transposed arrays have {@link #PAD} spare values, {@code s} has room for {@link #BK}, and the extra scores
         * are never read.
         */
        static void dots(float[] s, float[] a, int ai, float[] bt, int ld, int d, int j0, int n) {
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) dots4(s, a, ai, bt, ld, d, j0 + j, j);
            for (; j < n; j += L) dots1(s, a, ai, bt, ld, d, j0 + j, j);
        }

        private static void dots4(float[] s, float[] a, int ai, float[] bt, int ld, int d, int from, int j) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int c = 0, at = from; c < d; c++, at += ld) {
                FloatVector x = FloatVector.broadcast(S, a[ai + c]);
                acc0 = FloatVector.fromArray(S, bt, at).fma(x, acc0);
                acc1 = FloatVector.fromArray(S, bt, at + L).fma(x, acc1);
                acc2 = FloatVector.fromArray(S, bt, at + 2 * L).fma(x, acc2);
                acc3 = FloatVector.fromArray(S, bt, at + 3 * L).fma(x, acc3);
            }
            acc0.intoArray(s, j);
            acc1.intoArray(s, j + L);
            acc2.intoArray(s, j + 2 * L);
            acc3.intoArray(s, j + 3 * L);
        }

        private static void dots1(float[] s, float[] a, int ai, float[] bt, int ld, int d, int from, int j) {
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0, at = from; c < d; c++, at += ld) acc = FloatVector.fromArray(S, bt, at).fma(FloatVector.broadcast(S, a[ai + c]), acc);
            acc.intoArray(s, j);
        }

        static float max(float[] s, int n) {
            int body = S.loopBound(n);
            float m = Float.NEGATIVE_INFINITY;
            if (body > 0) {
                FloatVector acc = FloatVector.fromArray(S, s, 0);
                for (int j = L; j < body; j += L) acc = acc.max(FloatVector.fromArray(S, s, j));
                m = acc.reduceLanes(VectorOperators.MAX);
            }
            return maxF(s, body, n, m);
        }

        static float expShift(float[] s, int n, float shift) {
            int body = S.loopBound(n);
            FloatVector sum = FloatVector.zero(S);
            for (int j = 0; j < body; j += L) {
                FloatVector e = FloatVector.fromArray(S, s, j).sub(shift).lanewise(VectorOperators.EXP);
                e.intoArray(s, j);
                sum = sum.add(e);
            }
            return sum.reduceLanes(VectorOperators.ADD) + expShiftF(s, body, n, shift);
        }

        static void dsFromDp(float[] dp, float[] p, int n, float di) {
            int body = S.loopBound(n);
            for (int j = 0; j < body; j += L) {
                FloatVector.fromArray(S, dp, j).sub(di).mul(FloatVector.fromArray(S, p, j)).intoArray(dp, j);
            }
            dsFromDpF(dp, p, body, n, di);
        }

        /**
         * {@link #accumulateF}, {@code L} coordinates at a time, the sums in registers across the keys: four
         * accumulators (keys {@code j mod 4}) so the multiply-adds do not wait on each other.
         */
        static void accumulate(float[] acc, int ai, float keep, float[] w, float[] rows, int j0, int d, int n) {
            int body = S.loopBound(d);
            for (int c = 0; c < body; c += L) accumulateColumns(acc, ai + c, keep, w, rows, j0 * d + c, d, n);
            accumulateF(acc, ai, keep, w, rows, j0, d, body, n);
        }

        private static void accumulateColumns(float[] acc, int ai, float keep, float[] w, float[] rows, int from, int d, int n) {
            FloatVector a0 = FloatVector.fromArray(S, acc, ai).mul(keep), a1 = FloatVector.zero(S), a2 = a1, a3 = a1;
            int j = 0;
            for (int at = from; j + 4 <= n; j += 4, at += 4 * d) {
                a0 = FloatVector.fromArray(S, rows, at).fma(FloatVector.broadcast(S, w[j]), a0);
                a1 = FloatVector.fromArray(S, rows, at + d).fma(FloatVector.broadcast(S, w[j + 1]), a1);
                a2 = FloatVector.fromArray(S, rows, at + 2 * d).fma(FloatVector.broadcast(S, w[j + 2]), a2);
                a3 = FloatVector.fromArray(S, rows, at + 3 * d).fma(FloatVector.broadcast(S, w[j + 3]), a3);
            }
            for (int at = from + j * d; j < n; j++, at += d) a0 = FloatVector.fromArray(S, rows, at).fma(FloatVector.broadcast(S, w[j]), a0);
            a0.add(a1).add(a2.add(a3)).intoArray(acc, ai);
        }

        static void scatter(float[] dst, int j0, float[] w, float[] src, int si, int d, int n) {
            int body = S.loopBound(d);
            for (int j = 0; j < n; j++) {
                FloatVector wj = FloatVector.broadcast(S, w[j]);
                for (int c = 0, at = (j0 + j) * d; c < body; c += L) {
                    FloatVector.fromArray(S, src, si + c).fma(wj, FloatVector.fromArray(S, dst, at + c)).intoArray(dst, at + c);
                }
            }
            scatterF(dst, j0, w, src, si, d, body, n);
        }
    }
}
