package dev.panamax.kernels.rnn;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused LSTM and GRU cells in F32, on native memory (the Vector API path plus its scalar tail) and on heap
 * memory (the scalar twin alone), against the F64 scalar loops run on the same values widened to double, which are
 * in turn checked against the equations written out here. Hidden sizes cover a single column, sub-vector widths,
 * exact multiples of 8 and 16 lanes and tails.
 */
class RecurrentCellTest {
    static final int[] HIDDEN = {1, 3, 8, 9, 16, 17, 33};

    /** {@code n} floats in [-3, 3) off-heap ({@code heap}: on the heap) and the same values as doubles. */
    record Buf(MemorySegment f32, MemorySegment f64) {
        static Buf random(long seed, int n, boolean heap) {
            SplittableRandom r = new SplittableRandom(seed);
            MemorySegment f = heap ? MemorySegment.ofArray(new float[Math.max(1, n)]) : Arena.ofAuto().allocate(Math.max(1, n) * 4L, 64);
            MemorySegment d = Arena.ofAuto().allocate(Math.max(1, n) * 8L, 64);
            for (int i = 0; i < n; i++) {
                float v = (float) r.nextDouble(-3, 3);
                f.setAtIndex(JAVA_FLOAT_UNALIGNED, i, v);
                d.setAtIndex(JAVA_DOUBLE_UNALIGNED, i, v);
            }
            return new Buf(f, d);
        }

        double f(int i) {
            return f32.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
        }

        double d(int i) {
            return f64.getAtIndex(JAVA_DOUBLE_UNALIGNED, i);
        }
    }

    static void assertAllClose(String what, Buf b, int n) {
        for (int i = 0; i < n; i++) assertEquals(b.d(i), b.f(i), 2e-5 * (1 + Math.abs(b.d(i))), what + " at " + i);
    }

    static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    @Test
    void lstmCellMatchesItsEquationsAndF64Twin() {
        for (boolean heap : new boolean[] {false, true}) {
            for (int batch : new int[] {1, 3}) {
                for (int h : HIDDEN) {
                    int n = batch * h, g = 4 * n;
                    Buf gates = Buf.random(1, g, heap), cPrev = Buf.random(2, n, heap), c = Buf.random(3, n, heap), hh = Buf.random(4, n, heap);
                    double[] pre = new double[g];
                    for (int i = 0; i < g; i++) pre[i] = gates.d(i);
                    LstmCell.forward(4, gates.f32, 0, cPrev.f32, 0, c.f32, 0, hh.f32, 0, batch, h);
                    LstmCell.forward(8, gates.f64, 0, cPrev.f64, 0, c.f64, 0, hh.f64, 0, batch, h);
                    for (int b = 0; b < batch; b++) {
                        for (int j = 0; j < h; j++) {  // the equations, once, against the F64 kernel
                            int r = 4 * h * b;
                            double ig = sigmoid(pre[r + j]), fg = sigmoid(pre[r + h + j]), gg = Math.tanh(pre[r + 2 * h + j]);
                            double og = sigmoid(pre[r + 3 * h + j]), cn = fg * cPrev.d(b * h + j) + ig * gg;
                            assertEquals(cn, c.d(b * h + j), 1e-12);
                            assertEquals(og * Math.tanh(cn), hh.d(b * h + j), 1e-12);
                        }
                    }
                    String where = (heap ? "heap" : "native") + " B=" + batch + " H=" + h;
                    assertAllClose("lstm gates " + where, gates, g);
                    assertAllClose("lstm c " + where, c, n);
                    assertAllClose("lstm h " + where, hh, n);

                    Buf dg = Buf.random(5, g, heap), dcPrev = Buf.random(6, n, heap), dh = Buf.random(7, n, heap), dc = Buf.random(8, n, heap);
                    double dh0 = dh.d(0), dc0 = dc.d(0), i0 = gates.d(0), f0 = gates.d(h), g0 = gates.d(2 * h), o0 = gates.d(3 * h);
                    LstmCell.backward(4, dg.f32, 0, dcPrev.f32, 0, dh.f32, 0, dc.f32, 0, gates.f32, 0, cPrev.f32, 0, c.f32, 0, batch, h);
                    LstmCell.backward(8, dg.f64, 0, dcPrev.f64, 0, dh.f64, 0, dc.f64, 0, gates.f64, 0, cPrev.f64, 0, c.f64, 0, batch, h);
                    double tc = Math.tanh(c.d(0)), dct = dc0 + dh0 * o0 * (1 - tc * tc);
                    assertEquals(dct * g0 * i0 * (1 - i0), dg.d(0), 1e-12);
                    assertEquals(dct * cPrev.d(0) * f0 * (1 - f0), dg.d(h), 1e-12);
                    assertEquals(dct * i0 * (1 - g0 * g0), dg.d(2 * h), 1e-12);
                    assertEquals(dh0 * tc * o0 * (1 - o0), dg.d(3 * h), 1e-12);
                    assertEquals(dct * f0, dcPrev.d(0), 1e-12);
                    assertAllClose("lstm dgates " + where, dg, g);
                    assertAllClose("lstm dcPrev " + where, dcPrev, n);
                }
            }
        }
    }

    @Test
    void lstmBackwardMayWriteDcPrevOverDc() {
        int batch = 2, h = 11, n = batch * h;
        Buf gates = Buf.random(1, 4 * n, false), cPrev = Buf.random(2, n, false), c = Buf.random(3, n, false), dh = Buf.random(7, n, false);
        Buf dc = Buf.random(8, n, false), dg = Buf.random(5, 4 * n, false), dcPrev = Buf.random(6, n, false);
        LstmCell.backward(4, dg.f32, 0, dcPrev.f32, 0, dh.f32, 0, dc.f32, 0, gates.f32, 0, cPrev.f32, 0, c.f32, 0, batch, h);
        LstmCell.backward(4, dg.f32, 0, dc.f32, 0, dh.f32, 0, dc.f32, 0, gates.f32, 0, cPrev.f32, 0, c.f32, 0, batch, h);
        for (int i = 0; i < n; i++) assertEquals(dcPrev.f(i), dc.f(i), 0.0, "aliased dcPrev at " + i);
    }

    @Test
    void gruCellMatchesItsEquationsAndF64Twin() {
        for (boolean heap : new boolean[] {false, true}) {
            for (int batch : new int[] {1, 3}) {
                for (int h : HIDDEN) {
                    int n = batch * h;
                    Buf gi = Buf.random(11, 3 * n, heap), gh = Buf.random(12, 3 * n, heap), hPrev = Buf.random(13, n, heap);
                    Buf act = Buf.random(14, 4 * n, heap), hh = Buf.random(15, n, heap);
                    GruCell.forward(4, act.f32, 0, hh.f32, 0, gi.f32, 0, gh.f32, 0, hPrev.f32, 0, batch, h);
                    GruCell.forward(8, act.f64, 0, hh.f64, 0, gi.f64, 0, gh.f64, 0, hPrev.f64, 0, batch, h);
                    // The equations at the last column of the last row, against the F64 kernel.
                    int row = 3 * h * (batch - 1), s = h * (batch - 1) + h - 1;
                    double r = sigmoid(gi.d(row + h - 1) + gh.d(row + h - 1)), z = sigmoid(gi.d(row + 2 * h - 1) + gh.d(row + 2 * h - 1));
                    double nn = Math.tanh(gi.d(row + 3 * h - 1) + r * gh.d(row + 3 * h - 1));
                    assertEquals((1 - z) * nn + z * hPrev.d(s), hh.d(s), 1e-12, "gru h, equations");
                    String where = (heap ? "heap" : "native") + " B=" + batch + " H=" + h;
                    assertAllClose("gru act " + where, act, 4 * n);
                    assertAllClose("gru h " + where, hh, n);

                    Buf dgi = Buf.random(16, 3 * n, heap), dgh = Buf.random(17, 3 * n, heap), dhPrev = Buf.random(18, n, heap);
                    Buf dh = Buf.random(19, n, heap);
                    double g = dh.d(s);
                    GruCell.backward(4, dgi.f32, 0, dgh.f32, 0, dhPrev.f32, 0, dh.f32, 0, act.f32, 0, hPrev.f32, 0, batch, h);
                    GruCell.backward(8, dgi.f64, 0, dgh.f64, 0, dhPrev.f64, 0, dh.f64, 0, act.f64, 0, hPrev.f64, 0, batch, h);
                    double dan = g * (1 - z) * (1 - nn * nn), daz = g * (hPrev.d(s) - nn) * z * (1 - z);
                    double hn = gh.d(row + 3 * h - 1), dar = dan * hn * r * (1 - r);
                    assertEquals(dar, dgi.d(row + h - 1), 1e-12, "gru da_r, equations");
                    assertEquals(daz, dgh.d(row + 2 * h - 1), 1e-12, "gru da_z, equations");
                    assertEquals(dan * r, dgh.d(row + 3 * h - 1), 1e-12, "gru dgh_n, equations");
                    assertEquals(g * z, dhPrev.d(s), 1e-12, "gru dhPrev, equations");
                    assertAllClose("gru dgi " + where, dgi, 3 * n);
                    assertAllClose("gru dgh " + where, dgh, 3 * n);
                    assertAllClose("gru dhPrev " + where, dhPrev, n);
                }
            }
        }
    }

    /** Bits, not tolerances: the scalar twin must equal the vector lanes exactly, or results would depend on the JIT. */
    @Test
    void vectorLanesAndScalarTwinGiveTheSameBits() {
        int batch = 2, h = 19, n = batch * h;
        Buf[] native_ = {Buf.random(1, 4 * n, false), Buf.random(2, n, false), Buf.random(3, n, false), Buf.random(4, n, false)};
        Buf[] heap = {Buf.random(1, 4 * n, true), Buf.random(2, n, true), Buf.random(3, n, true), Buf.random(4, n, true)};
        LstmCell.forward(4, native_[0].f32, 0, native_[1].f32, 0, native_[2].f32, 0, native_[3].f32, 0, batch, h);
        LstmCell.forward(4, heap[0].f32, 0, heap[1].f32, 0, heap[2].f32, 0, heap[3].f32, 0, batch, h);
        for (int i = 0; i < 4 * n; i++) assertEquals(heap[0].f(i), native_[0].f(i), 0.0, "gates at " + i);
        for (int i = 0; i < n; i++) assertEquals(heap[3].f(i), native_[3].f(i), 0.0, "h at " + i);
        Buf gi = Buf.random(5, 3 * n, false), gh = Buf.random(6, 3 * n, false), hp = Buf.random(7, n, false);
        Buf giH = Buf.random(5, 3 * n, true), ghH = Buf.random(6, 3 * n, true), hpH = Buf.random(7, n, true);
        Buf act = Buf.random(8, 4 * n, false), out = Buf.random(9, n, false), actH = Buf.random(8, 4 * n, true), outH = Buf.random(9, n, true);
        GruCell.forward(4, act.f32, 0, out.f32, 0, gi.f32, 0, gh.f32, 0, hp.f32, 0, batch, h);
        GruCell.forward(4, actH.f32, 0, outH.f32, 0, giH.f32, 0, ghH.f32, 0, hpH.f32, 0, batch, h);
        for (int i = 0; i < n; i++) assertEquals(outH.f(i), out.f(i), 0.0, "gru h at " + i);
        Buf dg = Buf.random(10, 4 * n, false), dgH = Buf.random(10, 4 * n, true), dh = Buf.random(11, n, false), dhH = Buf.random(11, n, true);
        Buf dc = Buf.random(12, n, false), dcH = Buf.random(12, n, true);
        LstmCell.backward(4, dg.f32, 0, dc.f32, 0, dh.f32, 0, dc.f32, 0, native_[0].f32, 0, native_[1].f32, 0, native_[2].f32, 0, batch, h);
        LstmCell.backward(4, dgH.f32, 0, dcH.f32, 0, dhH.f32, 0, dcH.f32, 0, heap[0].f32, 0, heap[1].f32, 0, heap[2].f32, 0, batch, h);
        for (int i = 0; i < 4 * n; i++) assertEquals(dgH.f(i), dg.f(i), 0.0, "lstm dgates at " + i);
        for (int i = 0; i < n; i++) assertEquals(dcH.f(i), dc.f(i), 0.0, "lstm dcPrev at " + i);
        Buf dgi = Buf.random(13, 3 * n, false), dgiH = Buf.random(13, 3 * n, true), dgh = Buf.random(14, 3 * n, false), dghH = Buf.random(14, 3 * n, true);
        GruCell.backward(4, dgi.f32, 0, dgh.f32, 0, dh.f32, 0, dh.f32, 0, act.f32, 0, hp.f32, 0, batch, h);
        GruCell.backward(4, dgiH.f32, 0, dghH.f32, 0, dhH.f32, 0, dhH.f32, 0, actH.f32, 0, hpH.f32, 0, batch, h);
        for (int i = 0; i < 3 * n; i++) assertEquals(dgiH.f(i), dgi.f(i), 0.0, "gru dgi at " + i);
        for (int i = 0; i < 3 * n; i++) assertEquals(dghH.f(i), dgh.f(i), 0.0, "gru dgh at " + i);
        for (int i = 0; i < n; i++) assertEquals(dhH.f(i), dh.f(i), 0.0, "gru dhPrev at " + i);
    }

    @Test
    void theF32ExpIsWithinTwoUlpOfMathExpAndSaturates() {
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            float want = (float) Math.exp(x), got = Cells.exp(x);
            assertEquals(want, got, 2 * Math.ulp(want), "exp(" + x + ")");
        }
        assertEquals(1f, Cells.tanh(100f), 0f);
        assertEquals(-1f, Cells.tanh(-100f), 0f);
        assertEquals(0f, Cells.sigmoid(-200f), 1e-30f);
        assertEquals(Math.tanh(1e-3), Cells.tanh(1e-3f), 1e-7);
    }
}
