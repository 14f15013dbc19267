package dev.panamax.tensors;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.rnn.GruCell;
import dev.panamax.kernels.rnn.LstmCell;
import java.lang.foreign.MemorySegment;

/**
 * {@link Backend#lstm}, {@link Backend#gru} and their backward passes through time on host memory. Work is
 * time-major ({@code (T, B, ·)}, so one step's rows are contiguous): the input products of every step in one GEMM
 * up front, then per step one GEMM of the previous hidden state by {@code W_hhᵀ} (all gates at once) and the fused
 * cell kernel ({@code kernels.rnn}). Backward walks the steps in reverse, one GEMM per step for the hidden-state
 * gradient, and forms the weight gradients and the input gradient as three GEMMs over all steps at the end.
 * {@code reverse} runs the sequence from its last step to its first (the backward half of a bidirectional layer).
 */
final class HostRnn {
    private HostRnn() {}

    /** {@code C = op(A)·op(B) (+ C when acc)} in the tensors' precision through the backend's GEMM. */
    private static void gemm(Backend be, int width, boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long ao, long lda,
                             MemorySegment b, long bo, long ldb, boolean acc, MemorySegment c, long co, long ldc) {
        if (m == 0 || n == 0) return;
        if (width == 8) be.dgemm(ta, tb, m, n, k, 1.0, a, ao, lda, b, bo, ldb, acc ? 1.0 : 0.0, c, co, ldc);
        else be.sgemm(ta, tb, m, n, k, 1f, a, ao, lda, b, bo, ldb, acc ? 1f : 0f, c, co, ldc);
    }

    /** {@code rows[r, :] += bias} for each of {@code n} contiguous rows of {@code bias.numel()} values. */
    private static void addRows(Backend be, Tensor rows, long rowOff, long n, Tensor bias) {
        long cols = bias.numel();
        for (long r = 0; r < n; r++) {
            long o = rowOff + r * cols;
            be.binary(BinaryOp.ADD, rows.dtype(), rows.segment(), o, rows.segment(), o, bias.segment(), bias.offset(), cols);
        }
    }

    /** The time index of processing step {@code s}. */
    private static int at(int s, int steps, boolean reverse) {
        return reverse ? steps - 1 - s : s;
    }

    /** {@code x (B, T, F)} as a new contiguous {@code (T, B, F)}. */
    private static Tensor timeMajor(Tensor x) {
        try (Tensor v = x.transpose(0, 1)) {
            return v.contiguous();
        }
    }

    /** A new contiguous {@code (B, T, F)} from time-major {@code (T, B, F)}. */
    private static Tensor batchMajor(Tensor t) {
        try (Tensor v = t.transpose(0, 1)) {
            return v.contiguous();
        }
    }

    /** Step {@code τ}'s {@code (B, F)} slab of a time-major tensor, as a contiguous copy. */
    private static Tensor step(Tensor t, int tau) {
        try (Tensor v = t.select(0, tau)) {
            return v.contiguous();
        }
    }

    // ------------------------------------------------------------------ LSTM

    static Tensor[] lstm(Backend be, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, boolean reverse) {
        DType t = x.dtype();
        int w = t.byteSize(), batch = (int) x.dim(0), steps = (int) x.dim(1), in = (int) x.dim(2), hid = (int) wHh.dim(1), g4 = 4 * hid;
        long sh = (long) batch * hid, sg = (long) batch * g4;
        Tensor gates = Tensor.empty(t, steps, batch, g4), hs = Tensor.empty(t, steps, batch, hid), cs = Tensor.empty(t, steps, batch, hid);
        try (Tensor xt = timeMajor(x); Tensor wi = wIh.contiguous(); Tensor wh = wHh.contiguous(); Tensor bias = bIh.add(bHh);
             Tensor h0c = h0.contiguous(); Tensor c0c = c0.contiguous()) {
            gemm(be, w, false, true, steps * batch, g4, in, xt.segment(), xt.offset(), in, wi.segment(), wi.offset(), in, false,
                    gates.segment(), 0, g4);
            addRows(be, gates, 0, (long) steps * batch, bias);
            for (int s = 0; s < steps; s++) {
                int tau = at(s, steps, reverse), prev = at(s - 1, steps, reverse);
                MemorySegment hp = s == 0 ? h0c.segment() : hs.segment(), cp = s == 0 ? c0c.segment() : cs.segment();
                long hpo = s == 0 ? h0c.offset() : prev * sh, cpo = s == 0 ? c0c.offset() : prev * sh;
                gemm(be, w, false, true, batch, g4, hid, hp, hpo, hid, wh.segment(), wh.offset(), hid, true, gates.segment(), tau * sg, g4);
                LstmCell.forward(w, gates.segment(), tau * sg, cp, cpo, cs.segment(), tau * sh, hs.segment(), tau * sh, batch, hid);
            }
            int last = at(steps - 1, steps, reverse);
            return new Tensor[] {batchMajor(hs), step(hs, last), step(cs, last), gates, cs, hs};
        } catch (RuntimeException e) {
            gates.close();
            hs.close();
            cs.close();
            throw e;
        }
    }

    static Tensor[] lstmBackward(Backend be, Tensor dy, Tensor dhT, Tensor dcT, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                                 Tensor gates, Tensor cs, Tensor hs, boolean reverse) {
        DType t = x.dtype();
        int w = t.byteSize(), batch = (int) x.dim(0), steps = (int) x.dim(1), in = (int) x.dim(2), hid = (int) wHh.dim(1), g4 = 4 * hid;
        long sh = (long) batch * hid, sg = (long) batch * g4;
        int rows = steps * batch;
        try (Tensor dyt = timeMajor(dy); Tensor xt = timeMajor(x); Tensor wi = wIh.contiguous(); Tensor wh = wHh.contiguous();
             Tensor h0c = h0.contiguous(); Tensor c0c = c0.contiguous(); Tensor dg = Tensor.empty(t, steps, batch, g4);
             Tensor hPrev = Tensor.empty(t, steps, batch, hid); Tensor dgRows = dg.reshape(rows, g4);
             Tensor dxt = Tensor.empty(t, steps, batch, in)) {
            Tensor dh = dhT.copy(), dc = dcT.copy();
            for (int s = steps - 1; s >= 0; s--) {
                int tau = at(s, steps, reverse), prev = at(s - 1, steps, reverse);
                MemorySegment hp = s == 0 ? h0c.segment() : hs.segment(), cp = s == 0 ? c0c.segment() : cs.segment();
                long hpo = s == 0 ? h0c.offset() : prev * sh, cpo = s == 0 ? c0c.offset() : prev * sh;
                be.binary(BinaryOp.ADD, t, dh.segment(), 0, dh.segment(), 0, dyt.segment(), tau * sh, sh);
                LstmCell.backward(w, dg.segment(), tau * sg, dc.segment(), 0, dh.segment(), 0, dc.segment(), 0, gates.segment(), tau * sg,
                        cp, cpo, cs.segment(), tau * sh, batch, hid);
                gemm(be, w, false, false, batch, hid, g4, dg.segment(), tau * sg, g4, wh.segment(), wh.offset(), hid, false, dh.segment(), 0, hid);
                MemorySegment.copy(hp, hpo * w, hPrev.segment(), tau * sh * w, sh * w);
            }
            Tensor dwIh = Tensor.empty(t, g4, in), dwHh = Tensor.empty(t, g4, hid);
            gemm(be, w, false, false, rows, in, g4, dg.segment(), 0, g4, wi.segment(), wi.offset(), in, false, dxt.segment(), 0, in);
            gemm(be, w, true, false, g4, in, rows, dg.segment(), 0, g4, xt.segment(), xt.offset(), in, false, dwIh.segment(), 0, in);
            gemm(be, w, true, false, g4, hid, rows, dg.segment(), 0, g4, hPrev.segment(), 0, hid, false, dwHh.segment(), 0, hid);
            Tensor db = dgRows.sum(new int[] {0}, false);
            return new Tensor[] {batchMajor(dxt), dh, dc, dwIh, dwHh, db, db.copy()};
        }
    }

    // ------------------------------------------------------------------ GRU

    static Tensor[] gru(Backend be, Tensor x, Tensor h0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, boolean reverse) {
        DType t = x.dtype();
        int w = t.byteSize(), batch = (int) x.dim(0), steps = (int) x.dim(1), in = (int) x.dim(2), hid = (int) wHh.dim(1), g3 = 3 * hid;
        long sh = (long) batch * hid, s3 = (long) batch * g3, s4 = 4L * batch * hid;
        Tensor act = Tensor.empty(t, steps, batch, 4L * hid), hs = Tensor.empty(t, steps, batch, hid);
        try (Tensor xt = timeMajor(x); Tensor wi = wIh.contiguous(); Tensor wh = wHh.contiguous(); Tensor bi = bIh.contiguous();
             Tensor bh = bHh.contiguous(); Tensor h0c = h0.contiguous(); Tensor gi = Tensor.empty(t, steps, batch, g3);
             Tensor gh = Tensor.empty(t, batch, g3)) {
            gemm(be, w, false, true, steps * batch, g3, in, xt.segment(), xt.offset(), in, wi.segment(), wi.offset(), in, false,
                    gi.segment(), 0, g3);
            addRows(be, gi, 0, (long) steps * batch, bi);
            for (int s = 0; s < steps; s++) {
                int tau = at(s, steps, reverse), prev = at(s - 1, steps, reverse);
                MemorySegment hp = s == 0 ? h0c.segment() : hs.segment();
                long hpo = s == 0 ? h0c.offset() : prev * sh;
                gemm(be, w, false, true, batch, g3, hid, hp, hpo, hid, wh.segment(), wh.offset(), hid, false, gh.segment(), 0, g3);
                addRows(be, gh, 0, batch, bh);
                GruCell.forward(w, act.segment(), tau * s4, hs.segment(), tau * sh, gi.segment(), tau * s3, gh.segment(), 0, hp, hpo, batch, hid);
            }
            return new Tensor[] {batchMajor(hs), step(hs, at(steps - 1, steps, reverse)), act, hs};
        } catch (RuntimeException e) {
            act.close();
            hs.close();
            throw e;
        }
    }

    static Tensor[] gruBackward(Backend be, Tensor dy, Tensor dhT, Tensor x, Tensor h0, Tensor wIh, Tensor wHh, Tensor act, Tensor hs,
                                boolean reverse) {
        DType t = x.dtype();
        int w = t.byteSize(), batch = (int) x.dim(0), steps = (int) x.dim(1), in = (int) x.dim(2), hid = (int) wHh.dim(1), g3 = 3 * hid;
        long sh = (long) batch * hid, s3 = (long) batch * g3, s4 = 4L * batch * hid;
        int rows = steps * batch;
        try (Tensor dyt = timeMajor(dy); Tensor xt = timeMajor(x); Tensor wi = wIh.contiguous(); Tensor wh = wHh.contiguous();
             Tensor h0c = h0.contiguous(); Tensor dgi = Tensor.empty(t, steps, batch, g3); Tensor dgh = Tensor.empty(t, steps, batch, g3);
             Tensor hPrev = Tensor.empty(t, steps, batch, hid); Tensor dgiRows = dgi.reshape(rows, g3); Tensor dghRows = dgh.reshape(rows, g3);
             Tensor dxt = Tensor.empty(t, steps, batch, in)) {
            Tensor dh = dhT.copy();
            for (int s = steps - 1; s >= 0; s--) {
                int tau = at(s, steps, reverse), prev = at(s - 1, steps, reverse);
                MemorySegment hp = s == 0 ? h0c.segment() : hs.segment();
                long hpo = s == 0 ? h0c.offset() : prev * sh;
                be.binary(BinaryOp.ADD, t, dh.segment(), 0, dh.segment(), 0, dyt.segment(), tau * sh, sh);
                GruCell.backward(w, dgi.segment(), tau * s3, dgh.segment(), tau * s3, dh.segment(), 0, dh.segment(), 0, act.segment(), tau * s4,
                        hp, hpo, batch, hid);
                gemm(be, w, false, false, batch, hid, g3, dgh.segment(), tau * s3, g3, wh.segment(), wh.offset(), hid, true, dh.segment(), 0, hid);
                MemorySegment.copy(hp, hpo * w, hPrev.segment(), tau * sh * w, sh * w);
            }
            Tensor dwIh = Tensor.empty(t, g3, in), dwHh = Tensor.empty(t, g3, hid);
            gemm(be, w, false, false, rows, in, g3, dgi.segment(), 0, g3, wi.segment(), wi.offset(), in, false, dxt.segment(), 0, in);
            gemm(be, w, true, false, g3, in, rows, dgi.segment(), 0, g3, xt.segment(), xt.offset(), in, false, dwIh.segment(), 0, in);
            gemm(be, w, true, false, g3, hid, rows, dgh.segment(), 0, g3, hPrev.segment(), 0, hid, false, dwHh.segment(), 0, hid);
            return new Tensor[] {batchMajor(dxt), dh, dwIh, dwHh, dgiRows.sum(new int[] {0}, false), dghRows.sum(new int[] {0}, false)};
        }
    }
}
