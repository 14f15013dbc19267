package dev.panamax.kernels.attention;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.Simd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused attention kernel against a dense reference that stores the whole score matrix (written here from the
 * definition): F64 to 1e-12, F32 (Vector API and scalar twin) to float rounding; with dropout, against the definition
 * with the mask applied explicitly; the mask's rate; rows that see no key; strided operands; bitwise repeatability
 * over threads; no allocation when warm.
 */
class AttentionKernelTest {
    /**
     * Shapes crossing the query (32) and key (64) blocks, with vector tails, T = 1, Tq ≠ Tk, split over threads, and
     * one or two queries over many keys (the forward's per-key dot products instead of transposed keys).
     */
    static Stream<Attention.Dims> shapes() {
        return Stream.of(
                new Attention.Dims(1, 1, 1, 1, 1, 1.0, false, null),
                new Attention.Dims(2, 3, 37, 37, 19, 1 / Math.sqrt(19), true, new int[] {30, 37}),
                new Attention.Dims(1, 2, 5, 70, 33, 0.2, false, null),
                new Attention.Dims(2, 2, 80, 80, 8, 1 / Math.sqrt(8), true, null),
                new Attention.Dims(3, 1, 3, 130, 16, 0.25, true, new int[] {130, 64, 65}),
                new Attention.Dims(2, 1, 33, 9, 7, 0.4, false, new int[] {1, 9}),
                new Attention.Dims(2, 2, 1, 70, 33, 0.2, true, new int[] {70, 5}),  // decoding: one query, keys in row layout
                new Attention.Dims(1, 3, 2, 130, 16, 0.25, true, null),
                new Attention.Dims(2, 2, 8, 8, 19, 0.3, true, new int[] {8, 3}));  // a short prompt: row by row as well
    }

    /** Inputs and outputs of one call, in one precision. */
    record Buffers(int width, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment g, MemorySegment out, MemorySegment lse,
                   MemorySegment dq, MemorySegment dk, MemorySegment dv) {
        static Buffers of(int width, Attention.Dims s, long seed) {
            long qn = (long) s.batch() * s.heads() * s.tq() * s.d(), kn = (long) s.batch() * s.heads() * s.tk() * s.d();
            return new Buffers(width, random(width, qn, seed), random(width, kn, seed + 1), random(width, kn, seed + 2),
                    random(width, qn, seed + 3), alloc(width, qn), alloc(width, (long) s.batch() * s.heads() * s.tq()), alloc(width, qn),
                    alloc(width, kn), alloc(width, kn));
        }

        void run(Attention.Dims s, boolean vec) {
            Attention.Heads qh = qRows(q, s), kh = kRows(k, s), vh = kRows(v, s), oh = qRows(out, s);
            Attention.forward(width, vec, oh, lse, 0, qh, kh, vh, s);
            Attention.backward(width, vec, qRows(dq, s), kRows(dk, s), kRows(dv, s), qRows(g, s), qh, kh, vh, oh, lse, 0, s);
        }

        static Attention.Heads qRows(MemorySegment m, Attention.Dims s) {
            return Attention.Heads.contiguous(m, 0, s.heads(), s.tq(), s.d());
        }

        static Attention.Heads kRows(MemorySegment m, Attention.Dims s) {
            return Attention.Heads.contiguous(m, 0, s.heads(), s.tk(), s.d());
        }
    }

    static MemorySegment alloc(int width, long n) {
        return Arena.ofAuto().allocate(Math.max(1, n) * width, 64);
    }

    /** Uniform in [-2, 2); the same values in either width for the same seed. */
    static MemorySegment random(int width, long n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment m = alloc(width, n);
        for (long i = 0; i < n; i++) {
            float x = (float) r.nextDouble(-2, 2);
            if (width == 4) m.setAtIndex(JAVA_FLOAT_UNALIGNED, i, x);
            else m.setAtIndex(JAVA_DOUBLE_UNALIGNED, i, x);
        }
        return m;
    }

    static double at(int width, MemorySegment m, long i) {
        return width == 4 ? m.getAtIndex(JAVA_FLOAT_UNALIGNED, i) : m.getAtIndex(JAVA_DOUBLE_UNALIGNED, i);
    }

    /** The dropout factor of query {@code i}, key {@code j} of head {@code h}: 1 without dropout, else 0 or 1/(1-p). */
    static double factor(Attention.Dims s, int h, int i, int j) {
        if (s.dropout() == 0) return 1;
        boolean kept = DropoutMask.kept(DropoutMask.rowKey(s.seed(), h, i), j, DropoutMask.threshold(s.dropout()));
        return kept ? 1 / (1 - s.dropout()) : 0;
    }

    /**
     * The definition, one head at a time, the scores stored whole: out, lse, dq, dk, dv in F64, with the dropout mask
     * applied explicitly to the probabilities ({@code P∘Z}) and the gradients taken through it.
     */
    static double[][] dense(Buffers in, Attention.Dims s) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), heads = s.batch() * s.heads();
        double[] out = new double[heads * tq * d], lse = new double[heads * tq], dq = new double[heads * tq * d];
        double[] dk = new double[heads * tk * d], dv = new double[heads * tk * d];
        for (int h = 0; h < heads; h++) {
            int b = h / s.heads(), qb = h * tq * d, kb = h * tk * d;
            double[][] p = new double[tq][tk];
            for (int i = 0; i < tq; i++) {
                double m = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < s.end(b, i); j++) {
                    double x = 0;
                    for (int c = 0; c < d; c++) x += at(in.width(), in.q(), qb + i * d + c) * at(in.width(), in.k(), kb + j * d + c);
                    p[i][j] = x * s.scale();
                    m = Math.max(m, p[i][j]);
                }
                for (int j = 0; j < s.end(b, i); j++) sum += Math.exp(p[i][j] - m);
                lse[h * tq + i] = sum > 0 ? m + Math.log(sum) : Double.POSITIVE_INFINITY;
                for (int j = 0; j < s.end(b, i); j++) p[i][j] = Math.exp(p[i][j] - lse[h * tq + i]);
                for (int c = 0; c < d; c++) {
                    for (int j = 0; j < s.end(b, i); j++) {
                        out[qb + i * d + c] += p[i][j] * factor(s, h, i, j) * at(in.width(), in.v(), kb + j * d + c);
                    }
                }
            }
            for (int i = 0; i < tq; i++) {
                double di = 0;
                for (int c = 0; c < d; c++) di += at(in.width(), in.g(), qb + i * d + c) * out[qb + i * d + c];
                for (int j = 0; j < s.end(b, i); j++) {
                    double dp = 0;
                    for (int c = 0; c < d; c++) dp += at(in.width(), in.g(), qb + i * d + c) * at(in.width(), in.v(), kb + j * d + c);
                    double z = factor(s, h, i, j), ds = p[i][j] * (dp * z - di) * s.scale();
                    for (int c = 0; c < d; c++) {
                        dv[kb + j * d + c] += p[i][j] * z * at(in.width(), in.g(), qb + i * d + c);
                        dk[kb + j * d + c] += ds * at(in.width(), in.q(), qb + i * d + c);
                        dq[qb + i * d + c] += ds * at(in.width(), in.k(), kb + j * d + c);
                    }
                }
            }
        }
        return new double[][] {out, lse, dq, dk, dv};
    }

    static void assertClose(String what, double[] want, int width, MemorySegment got, double tol) {
        double scale = 1;
        for (double w : want) if (Double.isFinite(w)) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            double g = at(width, got, i);
            boolean ok = want[i] == Double.POSITIVE_INFINITY ? g == Double.POSITIVE_INFINITY : Math.abs(g - want[i]) <= tol * scale;
            assertTrue(ok, what + " at " + i + ": got " + g + ", want " + want[i]);
        }
    }

    static void assertMatches(String what, Buffers b, Attention.Dims s, double tol) {
        double[][] want = dense(b, s);
        assertClose(what + " out", want[0], b.width(), b.out(), tol);
        assertClose(what + " lse", want[1], b.width(), b.lse(), tol);
        assertClose(what + " dq", want[2], b.width(), b.dq(), tol);
        assertClose(what + " dk", want[3], b.width(), b.dk(), tol);
        assertClose(what + " dv", want[4], b.width(), b.dv(), tol);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void f64MatchesTheDefinition(Attention.Dims s) {
        Buffers b = Buffers.of(8, s, 7);
        b.run(s, false);
        assertMatches("F64", b, s, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void f32VectorAndScalarTwinMatchTheDefinition(Attention.Dims s) {
        for (boolean vec : Simd.ENABLED ? new boolean[] {true, false} : new boolean[] {false}) {
            Buffers b = Buffers.of(4, s, 7);
            b.run(s, vec);
            assertMatches(vec ? "F32 vector" : "F32 scalar", b, s, 2e-5);
        }
    }

    /** Causal with Tq > Tk, and a batch element with no valid key: such rows give 0, lse +∞, zero gradients, no NaN. */
    @Test
    void rowsThatSeeNoKeyGiveZerosAndNoNaN() {
        for (int width : new int[] {4, 8}) {
            Attention.Dims s = new Attention.Dims(2, 1, 4, 2, 3, 0.5, true, new int[] {2, 0});
            Buffers b = Buffers.of(width, s, 11);
            b.run(s, Simd.ENABLED);
            assertMatches("width " + width, b, s, 2e-5);
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < 4; i++) {
                    boolean empty = h == 1 || i < 2;  // batch element 1 has no keys; rows 0, 1 see j <= i - 2
                    assertEquals(empty ? Double.POSITIVE_INFINITY : at(width, b.lse(), h * 4 + i), at(width, b.lse(), h * 4 + i));
                    for (int c = 0; c < 3; c++) {
                        long e = (h * 4L + i) * 3 + c;
                        if (empty) assertEquals(0.0, at(width, b.out(), e), "out " + e);
                        if (empty) assertEquals(0.0, at(width, b.dq(), e), "dq " + e);
                    }
                }
                for (long e = 0; e < 6; e++) {
                    assertTrue(Double.isFinite(at(width, b.dk(), h * 6 + e)) && Double.isFinite(at(width, b.dv(), h * 6 + e)));
                }
            }
        }
    }

    /** Heads are split over threads; each is computed whole by one thread, so repeated calls agree bit for bit. */
    @Test
    void repeatedCallsAgreeBitForBit() {
        Attention.Dims s = new Attention.Dims(2, 4, 50, 50, 16, 0.25, true, null);
        assertTrue(s.macs() >= Attention.MIN_PARALLEL_MACS);
        Buffers a = Buffers.of(4, s, 3), b = Buffers.of(4, s, 3);
        a.run(s, Simd.ENABLED);
        b.run(s, Simd.ENABLED);
        // The thread split cannot change a result; the JIT can, in the last bit, while the first call still runs
        // interpreted code (its exp differs from the compiled one): equal to float rounding, not bit for bit.
        for (MemorySegment[] pair : new MemorySegment[][] {{a.out(), b.out()}, {a.lse(), b.lse()}, {a.dq(), b.dq()}, {a.dk(), b.dk()},
                {a.dv(), b.dv()}}) {
            for (long i = 0; i < pair[0].byteSize() / 4; i++) {
                float x = pair[0].getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                float y = pair[1].getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                assertEquals(x, y, 1e-6f * Math.max(1f, Math.abs(x)), "element " + i);
            }
        }
    }

    /** The shapes above with dropout on: the kernel equals the definition with the same mask applied explicitly. */
    @ParameterizedTest
    @MethodSource("shapes")
    void dropoutMatchesTheDefinitionWithTheMaskAppliedExplicitly(Attention.Dims shape) {
        Attention.Dims s = new Attention.Dims(shape.batch(), shape.heads(), shape.tq(), shape.tk(), shape.d(), shape.scale(), shape.causal(),
                shape.keyLengths(), 0.3, 99);
        Buffers f64 = Buffers.of(8, s, 7);
        f64.run(s, false);
        assertMatches("F64 dropout", f64, s, 1e-12);
        for (boolean vec : Simd.ENABLED ? new boolean[] {true, false} : new boolean[] {false}) {
            Buffers b = Buffers.of(4, s, 7);
            b.run(s, vec);
            assertMatches(vec ? "F32 vector dropout" : "F32 scalar dropout", b, s, 2e-5);
        }
    }

    /** The output changes with the seed and with p, so the mask is really applied (not a test that cannot fail). */
    @Test
    void dropoutChangesTheOutputAndTheSeedChangesTheMask() {
        Attention.Dims off = new Attention.Dims(1, 2, 16, 16, 8, 0.3, true, null);
        Attention.Dims a = new Attention.Dims(1, 2, 16, 16, 8, 0.3, true, null, 0.5, 1);
        Attention.Dims b = new Attention.Dims(1, 2, 16, 16, 8, 0.3, true, null, 0.5, 2);
        Buffers x = Buffers.of(4, off, 3), y = Buffers.of(4, a, 3), z = Buffers.of(4, b, 3);
        x.run(off, Simd.ENABLED);
        y.run(a, Simd.ENABLED);
        z.run(b, Simd.ENABLED);
        assertTrue(x.out().mismatch(y.out()) >= 0 && y.out().mismatch(z.out()) >= 0);
    }

    /** Over a million (head, query, key) triples the kept fraction is 1 - p within five standard deviations. */
    @Test
    void maskKeepsOneMinusPOfTheProbabilities() {
        for (double p : new double[] {0.1, 0.5, 0.9}) {
            int threshold = DropoutMask.threshold(p);
            long kept = 0, n = 0;
            for (int bh = 0; bh < 16; bh++) {
                for (int i = 0; i < 256; i++) {
                    int row = DropoutMask.rowKey(42, bh, i);
                    for (int j = 0; j < 256; j++, n++) if (DropoutMask.kept(row, j, threshold)) kept++;
                }
            }
            double sigma = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(kept - n * (1 - p)) < 5 * sigma, "p = " + p + ": kept " + kept + " of " + n);
        }
    }

    /** The vector hash gives the scalar twin's factors bit for bit, across rows, tile starts and tails. */
    @Test
    void vectorMaskEqualsTheScalarMask() {
        if (!Simd.ENABLED) return;
        float[] v = new float[Attention.BK], f = new float[Attention.BK];
        for (int row : new int[] {0, -1, 0x12345678, DropoutMask.rowKey(7, 3, 11)}) {
            for (int j0 : new int[] {0, 64, 1000}) {
                for (int n : new int[] {1, 15, 16, 33, 64}) {
                    AttentionTiles.factors(true, v, n, row, j0, DropoutMask.threshold(0.3), 1.25f);
                    AttentionTiles.factors(false, f, n, row, j0, DropoutMask.threshold(0.3), 1.25f);
                    for (int j = 0; j < n; j++) assertEquals(f[j], v[j], "row " + row + ", key " + (j0 + j));
                }
            }
        }
    }

    /**
     * Operands read and written in place through their strides: q, k and v as the three parts of a packed
     * (B, T, 3, H, D) projection, out and dout as (B, T, H, D), dq, dk, dv into one packed gradient. The results equal
     * the contiguous call's bit for bit (the same arithmetic on the same values).
     */
    @Test
    void stridedOperandsMatchContiguousOnes() {
        int bs = 2, hs = 3, t = 37, d = 19, c = hs * d;
        for (int width : new int[] {4, 8}) {
            Attention.Dims s = new Attention.Dims(bs, hs, t, t, d, 0.3, true, null, 0.2, 5);
            Buffers b = Buffers.of(width, s, 13);
            b.run(s, Simd.ENABLED);
            MemorySegment qkv = alloc(width, (long) bs * t * 3 * c), dqkv = alloc(width, (long) bs * t * 3 * c);
            MemorySegment out = alloc(width, (long) bs * t * c), g = alloc(width, (long) bs * t * c), lse = alloc(width, (long) bs * hs * t);
            for (int bi = 0; bi < bs; bi++) {
                for (int h = 0; h < hs; h++) {
                    for (int i = 0; i < t; i++) {
                        long src = ((long) (bi * hs + h) * t + i) * d, row = ((long) bi * t + i) * 3 * c + (long) h * d;
                        long merged = ((long) bi * t + i) * c + (long) h * d;
                        MemorySegment.copy(b.q(), src * width, qkv, row * width, (long) d * width);
                        MemorySegment.copy(b.k(), src * width, qkv, (row + c) * width, (long) d * width);
                        MemorySegment.copy(b.v(), src * width, qkv, (row + 2 * c) * width, (long) d * width);
                        MemorySegment.copy(b.g(), src * width, g, merged * width, (long) d * width);
                    }
                }
            }
            Attention.Heads q = new Attention.Heads(qkv, 0, (long) t * 3 * c, d, 3L * c);
            Attention.Heads k = new Attention.Heads(qkv, c, (long) t * 3 * c, d, 3L * c);
            Attention.Heads v = new Attention.Heads(qkv, 2L * c, (long) t * 3 * c, d, 3L * c);
            Attention.Heads o = new Attention.Heads(out, 0, (long) t * c, d, c), gh = new Attention.Heads(g, 0, (long) t * c, d, c);
            Attention.forward(width, Simd.ENABLED, o, lse, 0, q, k, v, s);
            Attention.backward(width, Simd.ENABLED, new Attention.Heads(dqkv, 0, (long) t * 3 * c, d, 3L * c),
                    new Attention.Heads(dqkv, c, (long) t * 3 * c, d, 3L * c), new Attention.Heads(dqkv, 2L * c, (long) t * 3 * c, d, 3L * c),
                    gh, q, k, v, o, lse, 0, s);
            for (long i = 0; i < b.lse().byteSize() / width; i++) assertEquals(at(width, b.lse(), i), at(width, lse, i), 1e-6, "lse");
            for (int bi = 0; bi < bs; bi++) {
                for (int h = 0; h < hs; h++) {
                    for (int i = 0; i < t; i++) {
                        long src = ((long) (bi * hs + h) * t + i) * d, row = ((long) bi * t + i) * 3 * c + (long) h * d;
                        long merged = ((long) bi * t + i) * c + (long) h * d;
                        for (int x = 0; x < d; x++) {
                            // The same arithmetic, up to the JIT's last bit between the two calls (see above).
                            double tol = 1e-6 * Math.max(1, Math.abs(at(width, b.dk(), src + x)));
                            assertEquals(at(width, b.out(), src + x), at(width, out, merged + x), 1e-6, "out");
                            assertEquals(at(width, b.dq(), src + x), at(width, dqkv, row + x), 1e-6, "dq");
                            assertEquals(at(width, b.dk(), src + x), at(width, dqkv, row + c + x), tol, "dk");
                            assertEquals(at(width, b.dv(), src + x), at(width, dqkv, row + 2 * c + x), 1e-6, "dv");
                        }
                    }
                }
            }
        }
    }
}
