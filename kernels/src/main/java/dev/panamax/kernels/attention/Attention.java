package dev.panamax.kernels.attention;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;

/**
 * Scaled dot-product attention as one fused kernel (FlashAttention, Dao et al. 2022; backward as in
 * FlashAttention-2), with optional dropout on the attention probabilities: for each of the {@code B·H} heads
 * independently, with {@code q (Tq, D)}, {@code k, v (Tk, D)} and {@code Z} the dropout factors ({@code 1} when
 * {@code p = 0}; else {@code 0} or {@code 1/(1-p)}, see {@link DropoutMask})
 * <pre>
 * forward:  S = scale·q·kᵀ (masked)   P = softmax_rows(S)   out = (P∘Z)·v   lse[i] = log Σ_j exp(S[i,j])
 * backward: P = exp(S - lse)   dv = (P∘Z)ᵀ·dout   dP = (dout·vᵀ)∘Z   D[i] = Σ_c dout[i,c]·out[i,c]
 *           dS = P∘(dP - D)    dq = scale·dS·k    dk = scale·dSᵀ·q
 * </pre>
 * ({@code D} is still {@code rowsum(dout∘out)} with dropout: {@code Σ_j P·dP = Σ_j (P∘Z)·(dout·vᵀ) = dout·out}.)
 * The {@code Tq × Tk} score matrix is never stored whole: the forward walks tiles of {@link #BQ} query rows by
 * {@link #BK} keys, keeping per row the running max, the running sum of exponentials and the output accumulator
 * (rescaled when the max grows: the online softmax). The backward recomputes each tile's probabilities from the
 * saved {@code lse}, key tiles outside and query tiles inside, so a tile's keys, values and their gradient rows
 * stay in cache while every query tile passes. Within a tile the products are small matrix products with
 * register tiles ({@link AttentionTiles}); the dropout mask is recomputed from its seed, never stored.
 *
 * <p>Contract:
 * <ul>
 *   <li>Layout: every {@code (B, H, T, D)} operand is a {@link Heads}: any batch, head and row strides, the
 *       {@code D} values of a row contiguous, so a packed {@code (B, T, 3, H, D)} projection or a
 *       {@code (B, T, H, D)} output is read and written in place. {@code q, out, dout, dq} have {@code Tq} rows,
 *       {@code k, v, dk, dv} {@code Tk}; {@code lse (B, H, Tq)} is contiguous. Offsets and strides in elements.
 *       Outputs are overwritten and never alias inputs or each other.</li>
 *   <li>Masks ({@link Dims}): query {@code i} of batch element {@code b} sees the keys {@code j < end(b, i)}: with
 *       {@code keyLengths}, the first {@code keyLengths[b]} keys (right padding); when causal, only keys
 *       {@code j <= i + Tk - Tq}, i.e. the queries are aligned to the <em>end</em> of the keys, so a KV cache's
 *       new queries see the whole past (with {@code Tq == Tk} this is the usual lower triangle). Every row's
 *       visible keys are a prefix, and the prefix never shrinks from one row to the next, so masking is a loop
 *       bound, never a test per score.</li>
 *   <li>A row that sees no key (length 0, or causal with {@code Tq > Tk}) gets {@code out = 0},
 *       {@code lse = +∞} and zero gradients, and no NaN appears.</li>
 *   <li>Dropout ({@link Dims#dropout()} {@code = p > 0}): the probability of query {@code i} for key {@code j}
 *       in head {@code bh = b·H + h} is zeroed when {@link DropoutMask} drops {@code (seed, bh, i, j)}, else
 *       scaled by {@code 1/(1-p)}; the backward regenerates the same mask. {@code lse} is the undropped
 *       softmax's. With {@code p = 0} no mask is computed.</li>
 *   <li>Precision is {@code width} bytes: 4 runs F32 (Vector API tiles when {@link Simd#ENABLED}, their scalar
 *       F32 twins otherwise and for tails), 8 the F64 scalar loops (the twin and the test oracle).</li>
 *   <li>Threading: heads are split over {@link Parallel}'s threads (below {@link #MIN_PARALLEL_MACS} all on the
 *       caller's); one head is computed by one thread from start to end, its {@code dk, dv} included, so there are
 *       no races and the results do not depend on the split.</li>
 *   <li>Scratch: each thread keeps its own arrays (a {@code ThreadLocal}), grown to the largest head seen and
 *       reused: about {@code 9·T·D} values per head plus two {@code BQ × BK} tiles. A warm call allocates nothing
 *       in its loops. Copying a head's rows into arrays costs {@code O(T·D)} against the {@code O(T²·D)} of the
 *       products, and lets the vector code read heap and native segments alike (a Vector API call site that sees
 *       both kinds of segment stops being intrinsified).</li>
 * </ul>
 */
public final class Attention {
    /** Query rows per tile: their max, sum and accumulator ({@code BQ·D} values) stay in L1. */
    static final int BQ = 32;
    /** Keys per tile: the tile's transposed keys ({@code D·BK} values, 8 KB at D = 32 in F32) stay in L1. */
    static final int BK = 64;
    /**
     * Multiply-adds ({@code B·H·Tq·Tk·D}) below which waking the pool's workers costs more than it saves: a wake-up
     * costs tens of microseconds, about what 2¹⁸ multiply-adds of these tiles take. (At 2¹² a decoding step's
     * attention, 8 Ki multiply-adds, woke the pool every call: 59 us per call, half of the GPT's generation time.)
     */
    static final long MIN_PARALLEL_MACS = 1 << 18;
    /** Spare values after the transposed keys and values, so a vector of scores may run past the last key. */
    static final int PAD = 16;

    private Attention() {}

    /**
     * The geometry, masks and dropout of one call.
     *
     * @param batch      B
     * @param heads      H, heads per batch element
     * @param tq         query rows per head
     * @param tk         keys (and values) per head
     * @param d          head dimension of queries, keys and values
     * @param scale      factor on the scores, usually {@code 1/sqrt(d)}
     * @param causal     query {@code i} sees keys {@code j <= i + tk - tq} only
     * @param keyLengths null (every key valid), or per batch element the number of valid keys, in {@code [0, tk]}
     * @param dropout    probability {@code p} in {@code [0, 1)} that an attention probability is dropped (0: none)
     * @param seed       the dropout mask's seed (unused when {@code dropout == 0})
     */
    public record Dims(int batch, int heads, int tq, int tk, int d, double scale, boolean causal, int[] keyLengths, double dropout,
                       long seed) {
        public Dims {
            if (batch < 0 || heads < 0 || tq < 0 || tk < 0 || d < 0) {
                throw new IllegalArgumentException("attention: negative size in (B, H, Tq, Tk, D) = (" + batch + ", " + heads + ", " + tq
                        + ", " + tk + ", " + d + ")");
            }
            if (!Double.isFinite(scale)) throw new IllegalArgumentException("attention: scale must be finite, got " + scale);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("attention: dropout must be in [0, 1), got " + dropout);
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

        /** Without dropout. */
        public Dims(int batch, int heads, int tq, int tk, int d, double scale, boolean causal, int[] keyLengths) {
            this(batch, heads, tq, tk, d, scale, causal, keyLengths, 0, 0);
        }

        /** Query {@code i} of batch element {@code b} sees the keys {@code [0, end)}; never decreasing in {@code i}. */
        public int end(int b, int i) {
            int e = keyLengths == null ? tk : keyLengths[b];
            return causal ? Math.max(0, Math.min(e, i + tk - tq + 1)) : e;
        }

        long macs() {
            return (long) batch * heads * tq * tk * d;
        }
    }

    /**
     * A {@code (B, H, T, D)} operand in memory: element {@code (b, h, t, c)} at element offset
     * {@code off + b·batchStride + h·headStride + t·rowStride + c}.
     */
    public record Heads(MemorySegment seg, long off, long batchStride, long headStride, long rowStride) {
        /** A contiguous {@code (B, heads, t, d)} operand at {@code off}. */
        public static Heads contiguous(MemorySegment seg, long off, int heads, int t, int d) {
            return new Heads(seg, off, (long) heads * t * d, (long) t * d, d);
        }

        /** Element offset of row {@code t} of head {@code h} of batch element {@code b}. */
        long row(int b, int h, int t) {
            return off + b * batchStride + h * headStride + t * rowStride;
        }
    }

    /** {@code out} and {@code lse (B, H, Tq)} from {@code q}, {@code k}, {@code v}, all contiguous. */
    public static void forward(int width, MemorySegment out, long outOff, MemorySegment lse, long lseOff, MemorySegment q, long qOff,
                               MemorySegment k, long kOff, MemorySegment v, long vOff, Dims s) {
        forward(width, AttentionF32.VECTOR, qRows(out, outOff, s), lse, lseOff, qRows(q, qOff, s), kRows(k, kOff, s), kRows(v, vOff, s), s);
    }

    /** {@code out (B, H, Tq, D)} and {@code lse (B, H, Tq)} from {@code q (B, H, Tq, D)}, {@code k, v (B, H, Tk, D)}. */
    public static void forward(int width, Heads out, MemorySegment lse, long lseOff, Heads q, Heads k, Heads v, Dims s) {
        forward(width, AttentionF32.VECTOR, out, lse, lseOff, q, k, v, s);
    }

    /** {@link #forward} with the F32 path chosen: {@code vec} the Vector API tiles, else their scalar twins (for tests). */
    static void forward(int width, boolean vec, Heads out, MemorySegment lse, long lseOff, Heads q, Heads k, Heads v, Dims s) {
        int n = s.batch() * s.heads();
        if (serial(s)) {  // no task objects for small work: a warm small call allocates nothing
            for (int h = 0; h < n; h++) forwardHead(width, vec, out, lse, lseOff, q, k, v, s, h);
            return;
        }
        Parallel.forChunks(n, (from, to) -> {
            for (long h = from; h < to; h++) forwardHead(width, vec, out, lse, lseOff, q, k, v, s, (int) h);
        });
    }

    private static void forwardHead(int width, boolean vec, Heads out, MemorySegment lse, long lseOff, Heads q, Heads k, Heads v, Dims s,
                                    int h) {
        if (width == 8) AttentionF64.forwardHead(out, lse, lseOff, q, k, v, s, h);
        else AttentionF32.forwardHead(vec, out, lse, lseOff, q, k, v, s, h);
    }

    /** {@link #backward(int, Heads, Heads, Heads, Heads, Heads, Heads, Heads, Heads, MemorySegment, long, Dims)}, all contiguous. */
    public static void backward(int width, MemorySegment dq, long dqOff, MemorySegment dk, long dkOff, MemorySegment dv, long dvOff,
                                MemorySegment dout, long gOff, MemorySegment q, long qOff, MemorySegment k, long kOff, MemorySegment v,
                                long vOff, MemorySegment out, long outOff, MemorySegment lse, long lseOff, Dims s) {
        backward(width, AttentionF32.VECTOR, qRows(dq, dqOff, s), kRows(dk, dkOff, s), kRows(dv, dvOff, s), qRows(dout, gOff, s),
                qRows(q, qOff, s), kRows(k, kOff, s), kRows(v, vOff, s), qRows(out, outOff, s), lse, lseOff, s);
    }

    /**
     * {@code dq (B, H, Tq, D)}, {@code dk, dv (B, H, Tk, D)} from the upstream gradient {@code dout (B, H, Tq, D)}, the
     * inputs and the forward's {@code out} and {@code lse}.
     */
    public static void backward(int width, Heads dq, Heads dk, Heads dv, Heads dout, Heads q, Heads k, Heads v, Heads out,
                                MemorySegment lse, long lseOff, Dims s) {
        backward(width, AttentionF32.VECTOR, dq, dk, dv, dout, q, k, v, out, lse, lseOff, s);
    }

    /** {@link #backward} with the F32 path chosen, as in {@code forward}. */
    static void backward(int width, boolean vec, Heads dq, Heads dk, Heads dv, Heads dout, Heads q, Heads k, Heads v, Heads out,
                         MemorySegment lse, long lseOff, Dims s) {
        int n = s.batch() * s.heads();
        if (serial(s)) {
            for (int h = 0; h < n; h++) backwardHead(width, vec, dq, dk, dv, dout, q, k, v, out, lse, lseOff, s, h);
            return;
        }
        Parallel.forChunks(n, (from, to) -> {
            for (long h = from; h < to; h++) backwardHead(width, vec, dq, dk, dv, dout, q, k, v, out, lse, lseOff, s, (int) h);
        });
    }

    private static void backwardHead(int width, boolean vec, Heads dq, Heads dk, Heads dv, Heads dout, Heads q, Heads k, Heads v,
                                     Heads out, MemorySegment lse, long lseOff, Dims s, int h) {
        if (width == 8) AttentionF64.backwardHead(dq, dk, dv, dout, q, k, v, out, lse, lseOff, s, h);
        else AttentionF32.backwardHead(vec, dq, dk, dv, dout, q, k, v, out, lse, lseOff, s, h);
    }

    /** Heads {@code h = b·H + head} run on the caller's thread below the threshold, else split over the pool. */
    private static boolean serial(Dims s) {
        return s.macs() < MIN_PARALLEL_MACS || Parallel.THREADS == 1 || s.batch() * s.heads() < 2;
    }

    private static Heads qRows(MemorySegment m, long off, Dims s) {
        return Heads.contiguous(m, off, s.heads(), s.tq(), s.d());
    }

    private static Heads kRows(MemorySegment m, long off, Dims s) {
        return Heads.contiguous(m, off, s.heads(), s.tk(), s.d());
    }
}
