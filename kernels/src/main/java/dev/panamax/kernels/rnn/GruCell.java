package dev.panamax.kernels.rnn;

import static dev.panamax.kernels.rnn.Cells.d;
import static dev.panamax.kernels.rnn.Cells.f;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One GRU time step after its gate products, PyTorch's equations and gate order (r, z, n), fused. The input and
 * hidden products stay apart because the candidate's hidden part is gated by r:
 * <pre>
 * gi = x·W_ihᵀ + b_ih,  gh = h_prev·W_hhᵀ + b_hh                 (each (B, 3H): [r z n])
 * forward:  r = σ(gi_r + gh_r)  z = σ(gi_z + gh_z)  n = tanh(gi_n + r·gh_n)  h = (1 - z)·n + z·h_prev
 * backward: da_n = dh·(1-z)·(1-n²)   da_z = dh·(h_prev - n)·z(1-z)   da_r = da_n·gh_n·r(1-r)
 *           dgi = [da_r, da_z, da_n]   dgh = [da_r, da_z, da_n·r]    dh_prev = dh·z (+ dgh·W_hh, by the caller)
 * </pre>
 * Layouts: {@code gi, gh, dgi, dgh (B, 3H)}, {@code act (B, 4H) = [r z n gh_n]} (what backward reads), states
 * {@code (B, H)}; row-major, contiguous, offsets in elements. {@code dhPrev} may alias {@code dh}. Precision is
 * {@code width} bytes: 4 runs the Vector API path on native segments (its scalar twin otherwise and for tails),
 * 8 the F64 scalar loops.
 */
public final class GruCell {
    private GruCell() {}

    /** {@code act (B, 4H)} and {@code h (B, H)} from {@code gi, gh (B, 3H)} and {@code hPrev (B, H)}. */
    public static void forward(int width, MemorySegment act, long ao, MemorySegment h, long ho, MemorySegment gi, long gio,
                               MemorySegment gh, long gho, MemorySegment hPrev, long hpo, int batch, int hidden) {
        boolean vector = width == 4 && Simd.ENABLED && act.isNative() && h.isNative() && gi.isNative() && gh.isNative() && hPrev.isNative();
        for (int b = 0; b < batch; b++) {
            long ar = ao + 4L * hidden * b, gr = 3L * hidden * b, sr = (long) hidden * b;
            if (width == 8) forwardRowF64(act, ar, h, ho + sr, gi, gio + gr, gh, gho + gr, hPrev, hpo + sr, 0, hidden);
            else forwardRowF32(act, ar, h, ho + sr, gi, gio + gr, gh, gho + gr, hPrev, hpo + sr, hidden, vector);
        }
    }

    /** {@code dgi, dgh (B, 3H)} and {@code dhPrev = dh·z (B, H)} from {@code dh (B, H)}, {@code act (B, 4H)}, {@code hPrev}. */
    public static void backward(int width, MemorySegment dgi, long dgio, MemorySegment dgh, long dgho, MemorySegment dhPrev, long dhpo,
                                MemorySegment dh, long dho, MemorySegment act, long ao, MemorySegment hPrev, long hpo, int batch, int hidden) {
        boolean vector = width == 4 && Simd.ENABLED && dgi.isNative() && dgh.isNative() && dhPrev.isNative() && dh.isNative()
                && act.isNative() && hPrev.isNative();
        for (int b = 0; b < batch; b++) {
            long ar = ao + 4L * hidden * b, gr = 3L * hidden * b, sr = (long) hidden * b;
            if (width == 8) backwardRowF64(dgi, dgio + gr, dgh, dgho + gr, dhPrev, dhpo + sr, dh, dho + sr, act, ar, hPrev, hpo + sr, 0, hidden);
            else {
                int from = vector ? Vector.backwardRow(dgi, dgio + gr, dgh, dgho + gr, dhPrev, dhpo + sr, dh, dho + sr, act, ar, hPrev, hpo + sr,
                        hidden) : 0;
                backwardRowF32(dgi, dgio + gr, dgh, dgho + gr, dhPrev, dhpo + sr, dh, dho + sr, act, ar, hPrev, hpo + sr, from, hidden);
            }
        }
    }

    // ------------------------------------------------------------------ scalar twins (columns [from, hidden) of one row)

    static void forwardRowF64(MemorySegment act, long ar, MemorySegment h, long hr, MemorySegment gi, long gir, MemorySegment gh, long ghr,
                              MemorySegment hPrev, long hp, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            double r = Cells.sigmoid(d(gi, gir + j) + d(gh, ghr + j));
            double z = Cells.sigmoid(d(gi, gir + hidden + j) + d(gh, ghr + hidden + j));
            double hn = d(gh, ghr + 2L * hidden + j), n = Math.tanh(d(gi, gir + 2L * hidden + j) + r * hn);
            act.setAtIndex(JAVA_DOUBLE_UNALIGNED, ar + j, r);
            act.setAtIndex(JAVA_DOUBLE_UNALIGNED, ar + hidden + j, z);
            act.setAtIndex(JAVA_DOUBLE_UNALIGNED, ar + 2L * hidden + j, n);
            act.setAtIndex(JAVA_DOUBLE_UNALIGNED, ar + 3L * hidden + j, hn);
            h.setAtIndex(JAVA_DOUBLE_UNALIGNED, hr + j, n + z * (d(hPrev, hp + j) - n));
        }
    }

    /**
     * One F32 row in passes: r and z from the summed products, the candidate's preactivation, its tanh in place, then
     * the blend. Each pass is a vector body (when {@code vector}) and a scalar tail that rounds alike.
     */
    static void forwardRowF32(MemorySegment act, long ar, MemorySegment h, long hr, MemorySegment gi, long gir, MemorySegment gh, long ghr,
                              MemorySegment hPrev, long hp, int hidden, boolean vector) {
        int from = vector ? Vector.sum(act, ar, gi, gir, gh, ghr, 2 * hidden) : 0;
        for (int j = from; j < 2 * hidden; j++) act.setAtIndex(JAVA_FLOAT_UNALIGNED, ar + j, f(gi, gir + j) + f(gh, ghr + j));
        Activate.sigmoid(act, ar, 2 * hidden, vector);  // r, z
        MemorySegment.copy(gh, (ghr + 2L * hidden) << 2, act, (ar + 3L * hidden) << 2, (long) hidden << 2);  // gh_n, kept for backward
        from = vector ? Vector.candidate(act, ar, gi, gir, hidden) : 0;
        for (int j = from; j < hidden; j++) {
            act.setAtIndex(JAVA_FLOAT_UNALIGNED, ar + 2L * hidden + j, Math.fma(f(act, ar + j), f(act, ar + 3L * hidden + j), f(gi, gir + 2L * hidden + j)));
        }
        Activate.tanh(act, ar + 2L * hidden, act, ar + 2L * hidden, hidden, vector);  // n
        from = vector ? Vector.blend(h, hr, act, ar, hPrev, hp, hidden) : 0;
        for (int j = from; j < hidden; j++) {
            float z = f(act, ar + hidden + j), n = f(act, ar + 2L * hidden + j);
            h.setAtIndex(JAVA_FLOAT_UNALIGNED, hr + j, Math.fma(z, f(hPrev, hp + j) - n, n));
        }
    }

    static void backwardRowF64(MemorySegment dgi, long dgir, MemorySegment dgh, long dghr, MemorySegment dhPrev, long dhp, MemorySegment dh,
                               long dhr, MemorySegment act, long ar, MemorySegment hPrev, long hp, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            double r = d(act, ar + j), z = d(act, ar + hidden + j), n = d(act, ar + 2L * hidden + j), hn = d(act, ar + 3L * hidden + j);
            double g = d(dh, dhr + j);
            double dan = g * (1 - z) * (1 - n * n), daz = g * (d(hPrev, hp + j) - n) * z * (1 - z), dar = dan * hn * r * (1 - r);
            dgi.setAtIndex(JAVA_DOUBLE_UNALIGNED, dgir + j, dar);
            dgi.setAtIndex(JAVA_DOUBLE_UNALIGNED, dgir + hidden + j, daz);
            dgi.setAtIndex(JAVA_DOUBLE_UNALIGNED, dgir + 2L * hidden + j, dan);
            dgh.setAtIndex(JAVA_DOUBLE_UNALIGNED, dghr + j, dar);
            dgh.setAtIndex(JAVA_DOUBLE_UNALIGNED, dghr + hidden + j, daz);
            dgh.setAtIndex(JAVA_DOUBLE_UNALIGNED, dghr + 2L * hidden + j, dan * r);
            dhPrev.setAtIndex(JAVA_DOUBLE_UNALIGNED, dhp + j, g * z);
        }
    }

    static void backwardRowF32(MemorySegment dgi, long dgir, MemorySegment dgh, long dghr, MemorySegment dhPrev, long dhp, MemorySegment dh,
                               long dhr, MemorySegment act, long ar, MemorySegment hPrev, long hp, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            float r = f(act, ar + j), z = f(act, ar + hidden + j), n = f(act, ar + 2L * hidden + j), hn = f(act, ar + 3L * hidden + j);
            float g = f(dh, dhr + j);
            float dan = (g - g * z) * Cells.oneMinusSquare(n), daz = g * (f(hPrev, hp + j) - n) * Cells.slope(z), dar = dan * hn * Cells.slope(r);
            dgi.setAtIndex(JAVA_FLOAT_UNALIGNED, dgir + j, dar);
            dgi.setAtIndex(JAVA_FLOAT_UNALIGNED, dgir + hidden + j, daz);
            dgi.setAtIndex(JAVA_FLOAT_UNALIGNED, dgir + 2L * hidden + j, dan);
            dgh.setAtIndex(JAVA_FLOAT_UNALIGNED, dghr + j, dar);
            dgh.setAtIndex(JAVA_FLOAT_UNALIGNED, dghr + hidden + j, daz);
            dgh.setAtIndex(JAVA_FLOAT_UNALIGNED, dghr + 2L * hidden + j, dan * r);
            dhPrev.setAtIndex(JAVA_FLOAT_UNALIGNED, dhp + j, g * z);
        }
    }

    /** The Vector API path's arithmetic passes; loaded only when {@link Simd#ENABLED}. Each returns where its scalar tail starts. */
    private static final class Vector {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        private static FloatVector load(MemorySegment s, long i) {
            return FloatVector.fromMemorySegment(S, s, i << 2, ORDER);
        }

        private static void store(FloatVector v, MemorySegment s, long i) {
            v.intoMemorySegment(s, i << 2, ORDER);
        }

        /** {@code out = a + b} over {@code n} values. */
        static int sum(MemorySegment out, long oo, MemorySegment a, long ao, MemorySegment b, long bo, int n) {
            int body = S.loopBound(n);
            for (int j = 0; j < body; j += L) store(load(a, ao + j).add(load(b, bo + j)), out, oo + j);
            return body;
        }

        /** The candidate's preactivation {@code gi_n + r·gh_n} into act's n slot. */
        static int candidate(MemorySegment act, long ar, MemorySegment gi, long gir, int hidden) {
            int body = S.loopBound(hidden);
            for (int j = 0; j < body; j += L) {
                store(load(act, ar + j).fma(load(act, ar + 3L * hidden + j), load(gi, gir + 2L * hidden + j)), act, ar + 2L * hidden + j);
            }
            return body;
        }

        /** {@code h = n + z·(h_prev - n)}. */
        static int blend(MemorySegment h, long hr, MemorySegment act, long ar, MemorySegment hPrev, long hp, int hidden) {
            int body = S.loopBound(hidden);
            for (int j = 0; j < body; j += L) {
                FloatVector z = load(act, ar + hidden + j), n = load(act, ar + 2L * hidden + j);
                store(z.fma(load(hPrev, hp + j).sub(n), n), h, hr + j);
            }
            return body;
        }

        static int backwardRow(MemorySegment dgi, long dgir, MemorySegment dgh, long dghr, MemorySegment dhPrev, long dhp, MemorySegment dh,
                               long dhr, MemorySegment act, long ar, MemorySegment hPrev, long hp, int hidden) {
            // The slopes are written out here, not in helpers: a vector passed to a method C2 does not inline is boxed.
            FloatVector one = FloatVector.broadcast(S, 1f);
            int body = S.loopBound(hidden);
            for (int j = 0; j < body; j += L) {
                FloatVector r = load(act, ar + j), z = load(act, ar + hidden + j), n = load(act, ar + 2L * hidden + j);
                FloatVector hn = load(act, ar + 3L * hidden + j), g = load(dh, dhr + j);
                FloatVector dan = g.sub(g.mul(z)).mul(n.neg().fma(n, one));
                FloatVector daz = g.mul(load(hPrev, hp + j).sub(n)).mul(z.fma(z.neg(), z));
                FloatVector dar = dan.mul(hn).mul(r.fma(r.neg(), r));
                store(dar, dgi, dgir + j);
                store(daz, dgi, dgir + hidden + j);
                store(dan, dgi, dgir + 2L * hidden + j);
                store(dar, dgh, dghr + j);
                store(daz, dgh, dghr + hidden + j);
                store(dan.mul(r), dgh, dghr + 2L * hidden + j);
                store(g.mul(z), dhPrev, dhp + j);
            }
            return body;
        }
    }
}
