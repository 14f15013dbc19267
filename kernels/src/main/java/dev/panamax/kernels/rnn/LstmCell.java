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
 * One LSTM time step after its gate products, PyTorch's equations and gate order (i, f, g, o), fused: the gate
 * nonlinearities and the state update in one pass over the {@code (B, 4H)} gate rows that one GEMM filled.
 * <pre>
 * forward:  i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)     (a = x·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh)
 *           c = f·c_prev + i·g      h = o·tanh(c)
 * backward: dc' = dc + dh·o·(1 - tanh²c)
 *           da_i = dc'·g·i(1-i)   da_f = dc'·c_prev·f(1-f)   da_g = dc'·i·(1-g²)   da_o = dh·tanh(c)·o(1-o)
 *           dc_prev = dc'·f
 * </pre>
 * Layouts: {@code gates (B, 4H)}, states {@code (B, H)}, row-major and contiguous, offsets in elements. The forward
 * overwrites {@code gates} with the activations {@code [i f g o]} (what backward reads); {@code dcPrev} may alias
 * {@code dc}. Precision is {@code width} bytes: 4 runs the Vector API path on native segments (its scalar twin
 * otherwise and for tails), 8 the F64 scalar loops.
 */
public final class LstmCell {
    private LstmCell() {}

    /** {@code gates (B, 4H)} preactivations in, activations out; {@code c, h (B, H)} written from {@code cPrev (B, H)}. */
    public static void forward(int width, MemorySegment gates, long go, MemorySegment cPrev, long cpo, MemorySegment c, long co,
                               MemorySegment h, long ho, int batch, int hidden) {
        boolean vector = width == 4 && Simd.ENABLED && gates.isNative() && cPrev.isNative() && c.isNative() && h.isNative();
        for (int b = 0; b < batch; b++) {
            long gr = go + 4L * hidden * b, sr = (long) hidden * b;
            if (width == 8) forwardRowF64(gates, gr, cPrev, cpo + sr, c, co + sr, h, ho + sr, 0, hidden);
            else forwardRowF32(gates, gr, cPrev, cpo + sr, c, co + sr, h, ho + sr, hidden, vector);
        }
    }

    /**
     * {@code dgates (B, 4H)} (gradient of the preactivations) and {@code dcPrev (B, H)} from {@code dh, dc (B, H)},
     * the forward's activations {@code gates (B, 4H)}, {@code cPrev} and {@code c (B, H)}.
     */
    public static void backward(int width, MemorySegment dgates, long dgo, MemorySegment dcPrev, long dcpo, MemorySegment dh, long dho,
                                MemorySegment dc, long dco, MemorySegment gates, long go, MemorySegment cPrev, long cpo,
                                MemorySegment c, long co, int batch, int hidden) {
        boolean vector = width == 4 && Simd.ENABLED && dgates.isNative() && dcPrev.isNative() && dh.isNative() && dc.isNative()
                && gates.isNative() && cPrev.isNative() && c.isNative();
        for (int b = 0; b < batch; b++) {
            long gr = 4L * hidden * b, sr = (long) hidden * b;
            if (width == 8) {
                backwardRowF64(dgates, dgo + gr, dcPrev, dcpo + sr, dh, dho + sr, dc, dco + sr, gates, go + gr, cPrev, cpo + sr, c, co + sr, 0, hidden);
            } else {
                // tanh(c) parked in da_o's slot, where the row pass reads it before writing da_o over it.
                Activate.tanh(dgates, dgo + gr + 3L * hidden, c, co + sr, hidden, vector);
                int from = vector ? Vector.backwardRow(dgates, dgo + gr, dcPrev, dcpo + sr, dh, dho + sr, dc, dco + sr, gates, go + gr,
                        cPrev, cpo + sr, hidden) : 0;
                backwardRowF32(dgates, dgo + gr, dcPrev, dcpo + sr, dh, dho + sr, dc, dco + sr, gates, go + gr, cPrev, cpo + sr, from, hidden);
            }
        }
    }

    // ------------------------------------------------------------------ scalar twins (columns [from, hidden) of one row)

    static void forwardRowF64(MemorySegment gates, long gr, MemorySegment cPrev, long cp, MemorySegment c, long cr, MemorySegment h, long hr,
                              int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            double i = Cells.sigmoid(d(gates, gr + j)), fg = Cells.sigmoid(d(gates, gr + hidden + j));
            double g = Math.tanh(d(gates, gr + 2L * hidden + j)), o = Cells.sigmoid(d(gates, gr + 3L * hidden + j));
            double cn = fg * d(cPrev, cp + j) + i * g;
            gates.setAtIndex(JAVA_DOUBLE_UNALIGNED, gr + j, i);
            gates.setAtIndex(JAVA_DOUBLE_UNALIGNED, gr + hidden + j, fg);
            gates.setAtIndex(JAVA_DOUBLE_UNALIGNED, gr + 2L * hidden + j, g);
            gates.setAtIndex(JAVA_DOUBLE_UNALIGNED, gr + 3L * hidden + j, o);
            c.setAtIndex(JAVA_DOUBLE_UNALIGNED, cr + j, cn);
            h.setAtIndex(JAVA_DOUBLE_UNALIGNED, hr + j, o * Math.tanh(cn));
        }
    }

    /**
     * One F32 row in passes: the gate activations in place, the cell state, {@code tanh(c)} into h, then {@code h·o}.
     * Each pass is a vector body (when {@code vector}) and a scalar tail that rounds alike.
     */
    static void forwardRowF32(MemorySegment gates, long gr, MemorySegment cPrev, long cp, MemorySegment c, long cr, MemorySegment h, long hr,
                              int hidden, boolean vector) {
        Activate.sigmoid(gates, gr, 2 * hidden, vector);  // i, f
        Activate.tanh(gates, gr + 2L * hidden, gates, gr + 2L * hidden, hidden, vector);  // g
        Activate.sigmoid(gates, gr + 3L * hidden, hidden, vector);  // o
        int from = vector ? Vector.cellState(gates, gr, cPrev, cp, c, cr, hidden) : 0;
        for (int j = from; j < hidden; j++) {
            c.setAtIndex(JAVA_FLOAT_UNALIGNED, cr + j, Math.fma(f(gates, gr + hidden + j), f(cPrev, cp + j), f(gates, gr + j) * f(gates, gr + 2L * hidden + j)));
        }
        Activate.tanh(h, hr, c, cr, hidden, vector);
        from = vector ? Vector.gateOutput(h, hr, gates, gr + 3L * hidden, hidden) : 0;
        for (int j = from; j < hidden; j++) h.setAtIndex(JAVA_FLOAT_UNALIGNED, hr + j, f(gates, gr + 3L * hidden + j) * f(h, hr + j));
    }

    static void backwardRowF64(MemorySegment dgates, long dgr, MemorySegment dcPrev, long dcp, MemorySegment dh, long dhr, MemorySegment dc,
                               long dcr, MemorySegment gates, long gr, MemorySegment cPrev, long cp, MemorySegment c, long cr, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            double i = d(gates, gr + j), fg = d(gates, gr + hidden + j), g = d(gates, gr + 2L * hidden + j), o = d(gates, gr + 3L * hidden + j);
            double tc = Math.tanh(d(c, cr + j)), dhj = d(dh, dhr + j);
            double dct = d(dc, dcr + j) + dhj * o * (1 - tc * tc);
            dgates.setAtIndex(JAVA_DOUBLE_UNALIGNED, dgr + j, dct * g * i * (1 - i));
            dgates.setAtIndex(JAVA_DOUBLE_UNALIGNED, dgr + hidden + j, dct * d(cPrev, cp + j) * fg * (1 - fg));
            dgates.setAtIndex(JAVA_DOUBLE_UNALIGNED, dgr + 2L * hidden + j, dct * i * (1 - g * g));
            dgates.setAtIndex(JAVA_DOUBLE_UNALIGNED, dgr + 3L * hidden + j, dhj * tc * o * (1 - o));
            dcPrev.setAtIndex(JAVA_DOUBLE_UNALIGNED, dcp + j, dct * fg);
        }
    }

    /** Columns {@code [from, hidden)} of one F32 row; {@code tanh(c)} waits in da_o's slot of {@code dgates}. */
    static void backwardRowF32(MemorySegment dgates, long dgr, MemorySegment dcPrev, long dcp, MemorySegment dh, long dhr, MemorySegment dc,
                               long dcr, MemorySegment gates, long gr, MemorySegment cPrev, long cp, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            float i = f(gates, gr + j), fg = f(gates, gr + hidden + j), g = f(gates, gr + 2L * hidden + j), o = f(gates, gr + 3L * hidden + j);
            float tc = f(dgates, dgr + 3L * hidden + j), dhj = f(dh, dhr + j);
            float dct = dhj * o * Cells.oneMinusSquare(tc) + f(dc, dcr + j);  // rounded as the vector lanes are
            dgates.setAtIndex(JAVA_FLOAT_UNALIGNED, dgr + j, dct * g * Cells.slope(i));
            dgates.setAtIndex(JAVA_FLOAT_UNALIGNED, dgr + hidden + j, dct * f(cPrev, cp + j) * Cells.slope(fg));
            dgates.setAtIndex(JAVA_FLOAT_UNALIGNED, dgr + 2L * hidden + j, dct * i * Cells.oneMinusSquare(g));
            dgates.setAtIndex(JAVA_FLOAT_UNALIGNED, dgr + 3L * hidden + j, dhj * tc * Cells.slope(o));
            dcPrev.setAtIndex(JAVA_FLOAT_UNALIGNED, dcp + j, dct * fg);
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

        /** {@code c = f·c_prev + i·g} from the activated gates. */
        static int cellState(MemorySegment gates, long gr, MemorySegment cPrev, long cp, MemorySegment c, long cr, int hidden) {
            int body = S.loopBound(hidden);
            for (int j = 0; j < body; j += L) {
                FloatVector i = load(gates, gr + j), fg = load(gates, gr + hidden + j), g = load(gates, gr + 2L * hidden + j);
                store(fg.fma(load(cPrev, cp + j), i.mul(g)), c, cr + j);
            }
            return body;
        }

        /** {@code h = o·h} (h holds tanh(c)). */
        static int gateOutput(MemorySegment h, long hr, MemorySegment o, long or, int hidden) {
            int body = S.loopBound(hidden);
            for (int j = 0; j < body; j += L) store(load(o, or + j).mul(load(h, hr + j)), h, hr + j);
            return body;
        }

        static int backwardRow(MemorySegment dgates, long dgr, MemorySegment dcPrev, long dcp, MemorySegment dh, long dhr, MemorySegment dc,
                               long dcr, MemorySegment gates, long gr, MemorySegment cPrev, long cp, int hidden) {
            // The slopes are written out here, not in helpers: a vector passed to a method C2 does not inline is boxed.
            FloatVector one = FloatVector.broadcast(S, 1f);
            int body = S.loopBound(hidden);
            for (int j = 0; j < body; j += L) {
                FloatVector i = load(gates, gr + j), fg = load(gates, gr + hidden + j), g = load(gates, gr + 2L * hidden + j);
                FloatVector o = load(gates, gr + 3L * hidden + j);
                FloatVector tc = load(dgates, dgr + 3L * hidden + j), dhj = load(dh, dhr + j);
                FloatVector dct = dhj.mul(o).mul(tc.neg().fma(tc, one)).add(load(dc, dcr + j));
                store(dct.mul(g).mul(i.fma(i.neg(), i)), dgates, dgr + j);
                store(dct.mul(load(cPrev, cp + j)).mul(fg.fma(fg.neg(), fg)), dgates, dgr + hidden + j);
                store(dct.mul(i).mul(g.neg().fma(g, one)), dgates, dgr + 2L * hidden + j);
                store(dhj.mul(tc).mul(o.fma(o.neg(), o)), dgates, dgr + 3L * hidden + j);
                store(dct.mul(fg), dcPrev, dcp + j);
            }
            return body;
        }
    }
}
