package dev.panamax.kernels.attention;

import static dev.panamax.kernels.attention.Attention.BK;
import static dev.panamax.kernels.attention.Attention.BQ;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;

import dev.panamax.kernels.attention.Attention.Dims;
import dev.panamax.kernels.attention.Attention.Heads;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One head of {@link Attention} in F64: the scalar twin and test oracle, one query row at a time against each block of
 * keys (no register tiles), written independently of the F32 tiles.
 */
final class AttentionF64 {
    private AttentionF64() {}

    /** Per-thread scratch, grown to the largest head seen. */
    private static final class Scratch {
        double[] q = new double[0], k = q, kt = q, v = q, vt = q, g = q, dq = q, dk = q, dv = q, di = q, lse = q, acc = q;
        final double[] s = new double[BK], p2 = new double[BK], m = new double[BQ], l = new double[BQ];

        static double[] fit(double[] a, int n) {
            return a.length >= n ? a : new double[n];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static void forwardHead(Heads out, MemorySegment lse, long lo, Heads q, Heads k, Heads v, Dims s, int h) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), b = h / Math.max(1, s.heads()), hh = h - b * s.heads();
        Scratch w = SCRATCH.get();
        w.q = Scratch.fit(w.q, tq * d);
        w.k = Scratch.fit(w.k, tk * d);
        w.kt = Scratch.fit(w.kt, tk * d);
        w.v = Scratch.fit(w.v, tk * d);
        w.acc = Scratch.fit(w.acc, BQ * d);
        load(w.q, q, b, hh, tq, d, s.scale());
        load(w.k, k, b, hh, tk, d, 1);
        transpose(w.kt, w.k, tk, d);
        load(w.v, v, b, hh, tk, d, 1);
        for (int i0 = 0; i0 < tq; i0 += BQ) {
            int rows = Math.min(BQ, tq - i0), last = 0;
            Arrays.fill(w.m, 0, rows, Double.NEGATIVE_INFINITY);
            Arrays.fill(w.l, 0, rows, 0);
            Arrays.fill(w.acc, 0, rows * d, 0);
            for (int r = 0; r < rows; r++) last = Math.max(last, s.end(b, i0 + r));
            for (int j0 = 0; j0 < last; j0 += BK) {
                for (int r = 0; r < rows; r++) {
                    int n = Math.min(s.end(b, i0 + r), j0 + BK) - j0;
                    if (n > 0) onlineBlock(w, s, h, i0 + r, r, j0, n, tk, d);
                }
            }
            for (int r = 0; r < rows; r++) {
                double l = w.l[r], inv = l > 0 ? 1 / l : 0;  // l = 0: the row saw no key, its output is 0
                for (int c = 0; c < d; c++) w.acc[r * d + c] *= inv;
                MemorySegment.copy(w.acc, r * d, out.seg(), JAVA_DOUBLE_UNALIGNED, out.row(b, hh, i0 + r) * 8, d);
                lse.setAtIndex(JAVA_DOUBLE_UNALIGNED, lo + (long) h * tq + i0 + r, l > 0 ? w.m[r] + Math.log(l) : Double.POSITIVE_INFINITY);
            }
        }
    }

    /** Query row {@code i} (row {@code r} of its block) against keys {@code [j0, j0 + n)}: the online softmax step. */
    private static void onlineBlock(Scratch w, Dims s, int h, int i, int r, int j0, int n, int tk, int d) {
        double[] p = w.s;  // (n) scores, then probabilities
        dots(p, w.q, i * d, w.kt, tk, d, j0, n);
        double mOld = w.m[r], mNew = mOld;
        for (int j = 0; j < n; j++) mNew = Math.max(mNew, p[j]);
        double keep = Math.exp(mOld - mNew);  // 0 on the row's first block (mOld = -∞)
        w.l[r] = w.l[r] * keep + expShift(p, n, mNew);
        dropout(p, s, h, i, j0, n);
        accumulate(w.acc, r * d, keep, p, w.v, j0, d, n);
        w.m[r] = mNew;
    }

    static void backwardHead(Heads dq, Heads dk, Heads dv, Heads dout, Heads q, Heads k, Heads v, Heads out, MemorySegment lse, long lo,
                             Dims s, int h) {
        int tq = s.tq(), tk = s.tk(), d = s.d(), b = h / Math.max(1, s.heads()), hh = h - b * s.heads();
        Scratch w = grow(SCRATCH.get(), tq, tk, d);
        load(w.q, q, b, hh, tq, d, s.scale());
        load(w.k, k, b, hh, tk, d, 1);
        transpose(w.kt, w.k, tk, d);
        load(w.dv, v, b, hh, tk, d, 1);  // dv is still free: the values' transpose is made from it
        transpose(w.vt, w.dv, tk, d);
        load(w.g, dout, b, hh, tq, d, 1);
        load(w.dq, out, b, hh, tq, d, 1);  // as is dq: D[i] = Σ dout∘out is made from it
        for (int i = 0; i < tq; i++) {
            double di = 0;
            for (int c = 0; c < d; c++) di += w.g[i * d + c] * w.dq[i * d + c];
            w.di[i] = di;
        }
        MemorySegment.copy(lse, JAVA_DOUBLE_UNALIGNED, (lo + (long) h * tq) * 8, w.lse, 0, tq);
        Arrays.fill(w.dq, 0, tq * d, 0);
        Arrays.fill(w.dk, 0, tk * d, 0);
        Arrays.fill(w.dv, 0, tk * d, 0);
        for (int j0 = 0; j0 < tk; j0 += BK) {
            for (int i = 0; i < tq; i++) {
                int n = Math.min(s.end(b, i), j0 + BK) - j0;
                if (n > 0) backwardBlock(w, s, h, i, j0, n, tk, d);
            }
        }
        for (int i = 0; i < tq * d; i++) w.dq[i] *= s.scale();
        store(dq, w.dq, b, hh, tq, d);
        store(dk, w.dk, b, hh, tk, d);
        store(dv, w.dv, b, hh, tk, d);
    }

    private static Scratch grow(Scratch w, int tq, int tk, int d) {
        w.q = Scratch.fit(w.q, tq * d);
        w.g = Scratch.fit(w.g, tq * d);
        w.dq = Scratch.fit(w.dq, tq * d);
        w.k = Scratch.fit(w.k, tk * d);
        w.kt = Scratch.fit(w.kt, tk * d);
        w.vt = Scratch.fit(w.vt, tk * d);
        w.dk = Scratch.fit(w.dk, tk * d);
        w.dv = Scratch.fit(w.dv, tk * d);
        w.di = Scratch.fit(w.di, tq);
        w.lse = Scratch.fit(w.lse, tq);
        return w;
    }

    /** Query row {@code i} against keys {@code [j0, j0 + n)}: its share of every gradient. */
    private static void backwardBlock(Scratch w, Dims s, int h, int i, int j0, int n, int tk, int d) {
        double[] p = w.s, ds = w.p2;  // (n) each
        int qi = i * d;
        dots(p, w.q, qi, w.kt, tk, d, j0, n);
        expShift(p, n, w.lse[i]);                      // P = exp(S - lse)
        dots(ds, w.g, qi, w.vt, tk, d, j0, n);         // dout·vᵀ
        dropout(ds, s, h, i, j0, n);                   // dP = (dout·vᵀ)∘Z
        for (int j = 0; j < n; j++) ds[j] = p[j] * (ds[j] - w.di[i]);  // dS = P∘(dP - D)
        dropout(p, s, h, i, j0, n);                    // P∘Z, what reached the output
        scatter(w.dv, j0, p, w.g, qi, d, n);           // dv[j] += (P∘Z)[j]·dout[i]
        scatter(w.dk, j0, ds, w.q, qi, d, n);          // dk[j] += dS[j]·scale·q[i]
        accumulate(w.dq, qi, 1, ds, w.k, j0, d, n);    // dq[i] += Σ dS[j]·k[j]  (scaled at the end)
    }

    /** {@code p[j] *= Z(i, j0 + j)} for {@code j < n}: 0 where {@link DropoutMask} drops the key, else {@code 1/(1-p)}. */
    private static void dropout(double[] p, Dims s, int h, int i, int j0, int n) {
        if (s.dropout() == 0) return;
        int row = DropoutMask.rowKey(s.seed(), h, i), threshold = DropoutMask.threshold(s.dropout());
        double scale = 1 / (1 - s.dropout());
        for (int j = 0; j < n; j++) p[j] = DropoutMask.kept(row, j0 + j, threshold) ? p[j] * scale : 0;
    }

    private static void dots(double[] s, double[] a, int ai, double[] bt, int ld, int d, int j0, int n) {
        for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int c = 0, at = j0 + j; c < d; c++, at += ld) acc += a[ai + c] * bt[at];
            s[j] = acc;
        }
    }

    private static double expShift(double[] s, int n, double shift) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            s[j] = Math.exp(s[j] - shift);
            sum += s[j];
        }
        return sum;
    }

    private static void accumulate(double[] acc, int ai, double keep, double[] w, double[] rows, int j0, int d, int n) {
        for (int c = 0; c < d; c++) {
            double a = acc[ai + c] * keep;
            for (int j = 0; j < n; j++) a += w[j] * rows[(j0 + j) * d + c];
            acc[ai + c] = a;
        }
    }

    private static void scatter(double[] dst, int j0, double[] w, double[] src, int si, int d, int n) {
        for (int j = 0; j < n; j++) {
            int at = (j0 + j) * d;
            for (int c = 0; c < d; c++) dst[at + c] += w[j] * src[si + c];
        }
    }

    private static void load(double[] dst, Heads src, int b, int h, int t, int d, double scale) {
        long at = src.row(b, h, 0);
        for (int i = 0; i < t; i++, at += src.rowStride()) MemorySegment.copy(src.seg(), JAVA_DOUBLE_UNALIGNED, at * 8, dst, i * d, d);
        if (scale != 1) for (int i = 0; i < t * d; i++) dst[i] *= scale;
    }

    private static void store(Heads dst, double[] src, int b, int h, int t, int d) {
        long at = dst.row(b, h, 0);
        for (int i = 0; i < t; i++, at += dst.rowStride()) MemorySegment.copy(src, i * d, dst.seg(), JAVA_DOUBLE_UNALIGNED, at * 8, d);
    }

    private static void transpose(double[] dst, double[] rows, int t, int d) {
        for (int j = 0; j < t; j++) {
            for (int c = 0; c < d; c++) dst[c * t + j] = rows[j * d + c];
        }
    }
}
