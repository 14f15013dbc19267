package dev.panamax.kernels.attention;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.Simd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused attention kernel against a dense reference that stores the whole score matrix (written here from the
 * definition): F64 to 1e-12, F32 (Vector API and scalar twin) to float rounding; rows that see no key; bitwise
 * repeatability over threads; no allocation when warm.
 */
class AttentionKernelTest {
    /** Shapes crossing the query (32) and key (64) blocks, with vector tails, T = 1, Tq ≠ Tk, split over threads. */
    static Stream<Attention.Dims> shapes() {
        return Stream.of(
                new Attention.Dims(1, 1, 1, 1, 1, 1.0, false, null),
                new Attention.Dims(2, 3, 37, 37, 19, 1 / Math.sqrt(19), true, new int[] {30, 37}),
                new Attention.Dims(1, 2, 5, 70, 33, 0.2, false, null),
                new Attention.Dims(2, 2, 80, 80, 8, 1 / Math.sqrt(8), true, null),
                new Attention.Dims(3, 1, 3, 130, 16, 0.25, true, new int[] {130, 64, 65}),
                new Attention.Dims(2, 1, 33, 9, 7, 0.4, false, new int[] {1, 9}));
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
            Attention.forward(width, vec, out, 0, lse, 0, q, 0, k, 0, v, 0, s);
            Attention.backward(width, vec, dq, 0, dk, 0, dv, 0, g, 0, q, 0, k, 0, v, 0, out, 0, lse, 0, s);
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

    /** The definition, one head at a time, the scores stored whole: out, lse, dq, dk, dv in F64. */
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
                    for (int j = 0; j < s.end(b, i); j++) out[qb + i * d + c] += p[i][j] * at(in.width(), in.v(), kb + j * d + c);
                }
            }
            for (int i = 0; i < tq; i++) {
                double di = 0;
                for (int c = 0; c < d; c++) di += at(in.width(), in.g(), qb + i * d + c) * out[qb + i * d + c];
                for (int j = 0; j < s.end(b, i); j++) {
                    double dp = 0;
                    for (int c = 0; c < d; c++) dp += at(in.width(), in.g(), qb + i * d + c) * at(in.width(), in.v(), kb + j * d + c);
                    double ds = p[i][j] * (dp - di) * s.scale();
                    for (int c = 0; c < d; c++) {
                        dv[kb + j * d + c] += p[i][j] * at(in.width(), in.g(), qb + i * d + c);
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
        for (MemorySegment[] pair : new MemorySegment[][] {{a.out(), b.out()}, {a.lse(), b.lse()}, {a.dq(), b.dq()}, {a.dk(), b.dk()},
                {a.dv(), b.dv()}}) {
            assertEquals(-1, pair[0].mismatch(pair[1]));
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** A warm call below the threading threshold allocates nothing: the scratch is reused, no vector is boxed. */
    @Test
    void warmCallsAllocateNothing() {
        Attention.Dims s = new Attention.Dims(1, 1, 20, 20, 10, 0.3, true, null);
        Buffers b = Buffers.of(4, s, 5);
        long bytes = Long.MAX_VALUE, deadline = System.nanoTime() + 5_000_000_000L;
        for (int round = 0; bytes >= 1000 && (round < 20 || System.nanoTime() < deadline); round++) {
            for (int i = 0; i < 2_000; i++) b.run(s, Simd.ENABLED);
            long before = allocated();
            for (int i = 0; i < 1_000; i++) b.run(s, Simd.ENABLED);
            bytes = Math.min(bytes, allocated() - before);
        }
        assertTrue(bytes < 1000, bytes + " bytes per 1000 warm calls");
    }
}
