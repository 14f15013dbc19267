package dev.panamax.kernels.conv;

import dev.panamax.kernels.spec.Conv2dShape;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.gemm.Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Convolution through im2col + GEMM, and pooling, against direct loops written from the definitions. */
class ConvPoolTest {
    static MemorySegment random(SplittableRandom r, long n) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, n) * 4, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, (float) r.nextDouble(-1, 1));
        return s;
    }

    static float at(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    /** Input pixel feeding output (oy, ox) through window tap (ky, kx), or -1 when it falls in the padding. */
    static long pixel(Conv2dShape s, int b, int oy, int ox, int ky, int kx) {
        int iy = oy * s.sh() - s.padTop() + ky * s.dh(), ix = ox * s.sw() - s.padLeft() + kx * s.dw();
        if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) return -1;
        return ((long) (b * s.h() + iy) * s.w() + ix) * s.c();
    }

    static Conv2dShape[] shapes() {
        return new Conv2dShape[] {
            Conv2dShape.of(2, 7, 6, 3, 3, 2, 5, 1, 1, 1, 1, Conv2dShape.Padding.VALID),
            Conv2dShape.of(2, 7, 6, 3, 3, 3, 4, 2, 1, 1, 1, Conv2dShape.Padding.SAME),
            Conv2dShape.of(1, 9, 8, 2, 2, 3, 3, 1, 2, 2, 1, Conv2dShape.Padding.SAME),
            Conv2dShape.of(3, 5, 5, 1, 3, 3, 2, 1, 1, 1, 1, Conv2dShape.Padding.VALID),
            Conv2dShape.of(1, 4, 4, 9, 1, 1, 7, 1, 1, 1, 1, Conv2dShape.Padding.VALID),
            Conv2dShape.of(2, 8, 7, 2, 3, 2, 3, 2, 3, 1, 1, Conv2dShape.Padding.VALID)};  // few channels, strided: the short-row path
    }

    @Test
    void outputGeometryFollowsKeras() {
        Conv2dShape mnist = Conv2dShape.of(32, 28, 28, 1, 3, 3, 32, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertEquals(26, mnist.oh());
        Conv2dShape same = Conv2dShape.of(1, 7, 7, 1, 3, 3, 1, 2, 2, 1, 1, Conv2dShape.Padding.SAME);
        assertEquals(4, same.oh());
        assertEquals(1, same.padTop());
        assertThrows(IllegalArgumentException.class, () -> Conv2dShape.of(1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, Conv2dShape.Padding.VALID));
    }

    @Test
    void convolutionForwardAndBothGradientsMatchDirectLoops() {
        SplittableRandom r = new SplittableRandom(4);
        for (Conv2dShape s : shapes()) {
            int k = s.patchSize(), f = s.f();
            long m = s.patches();
            MemorySegment x = random(r, (long) s.n() * s.h() * s.w() * s.c()), w = random(r, (long) k * f);
            MemorySegment cols = Arena.ofAuto().allocate(m * k * 4 + 4, 64), y = Arena.ofAuto().allocate(m * f * 4, 64);
            Im2col.im2col(s, x, 0, cols, 0);
            Gemm.sgemm(false, false, (int) m, f, k, 1f, cols, 0, k, w, 0, f, 0f, y, 0, f);
            MemorySegment dy = random(r, m * f);
            MemorySegment dw = Arena.ofAuto().allocate((long) k * f * 4, 64);
            Gemm.sgemm(true, false, k, f, (int) m, 1f, cols, 0, k, dy, 0, f, 0f, dw, 0, f);
            MemorySegment dcols = Arena.ofAuto().allocate(m * k * 4, 64), dx = Arena.ofAuto().allocate(x.byteSize(), 64);
            Gemm.sgemm(false, true, (int) m, k, f, 1f, dy, 0, f, w, 0, f, 0f, dcols, 0, k);
            Im2col.col2im(s, dcols, 0, dx, 0);
            double[] wantDw = new double[k * f], wantDx = new double[(int) (x.byteSize() / 4)];
            for (int b = 0; b < s.n(); b++) for (int oy = 0; oy < s.oh(); oy++) for (int ox = 0; ox < s.ow(); ox++) {
                long o = ((long) (b * s.oh() + oy) * s.ow() + ox) * f;
                for (int fi = 0; fi < f; fi++) {
                    double sum = 0;
                    for (int ky = 0; ky < s.kh(); ky++) for (int kx = 0; kx < s.kw(); kx++) {
                        long px = pixel(s, b, oy, ox, ky, kx);
                        if (px < 0) continue;
                        for (int c = 0; c < s.c(); c++) {
                            int wi = ((ky * s.kw() + kx) * s.c() + c) * f + fi;
                            sum += at(x, px + c) * at(w, wi);
                            wantDw[wi] += at(x, px + c) * at(dy, o + fi);
                            wantDx[(int) (px + c)] += at(w, wi) * at(dy, o + fi);
                        }
                    }
                    assertEquals(sum, at(y, o + fi), 1e-5, "forward " + s + " at " + o);
                }
            }
            for (int i = 0; i < wantDw.length; i++) assertEquals(wantDw[i], at(dw, i), 1e-4, "dW " + s + " at " + i);
            for (int i = 0; i < wantDx.length; i++) assertEquals(wantDx[i], at(dx, i), 1e-5, "dX " + s + " at " + i);
        }
    }

    @Test
    void maxAndAveragePoolingForwardAndBackward() {
        SplittableRandom r = new SplittableRandom(5);
        Conv2dShape[] pools = {
            Conv2dShape.of(2, 6, 6, 3, 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.VALID),
            Conv2dShape.of(2, 5, 7, 17, 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.SAME),
            Conv2dShape.of(1, 5, 5, 2, 3, 3, 0, 1, 1, 1, 1, Conv2dShape.Padding.SAME),
            Conv2dShape.of(2, 6, 5, 32, 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.SAME),   // whole vectors of channels
            Conv2dShape.of(2, 7, 6, 19, 3, 3, 0, 1, 1, 1, 1, Conv2dShape.Padding.VALID),  // row path: overlapping windows, vectors + tail
            Conv2dShape.of(1, 9, 8, 8, 3, 2, 0, 2, 3, 1, 1, Conv2dShape.Padding.VALID),   // row path: strided, uneven window
            Conv2dShape.of(2, 7, 5, 32, 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.VALID),  // tiled backward: last row and column uncovered
            Conv2dShape.of(1, 9, 6, 64, 3, 3, 0, 3, 3, 1, 1, Conv2dShape.Padding.VALID)}; // tiled backward, 3 × 3 windows
        for (Conv2dShape s : pools) {
            long in = (long) s.n() * s.h() * s.w() * s.c(), out = (long) s.n() * s.oh() * s.ow() * s.c();
            MemorySegment x = random(r, in), dy = random(r, out);
            MemorySegment y = Arena.ofAuto().allocate(out * 4, 64), arg = Arena.ofAuto().allocate(out * 4, 64);
            MemorySegment dx = Arena.ofAuto().allocate(in * 4, 64), ya = Arena.ofAuto().allocate(out * 4, 64), dxa = Arena.ofAuto().allocate(in * 4, 64);
            Pool2d.maxForward(s, x, 0, y, 0, arg, 0);
            MemorySegment values = Arena.ofAuto().allocate(out * 4, 64);
            Pool2d.maxForward(s, x, 0, values, 0, null, 0);  // inference: no winners kept, the same values
            assertEquals(-1, y.mismatch(values), "max without argmax " + s);
            dx.fill((byte) 0x7f);  // backward overwrites every element, those no window covers included
            Pool2d.maxBackward(s, dy, 0, arg, 0, dx, 0);
            Pool2d.avgForward(s, x, 0, ya, 0);
            Pool2d.avgBackward(s, dy, 0, dxa, 0);
            double[] wantDx = new double[(int) in], wantDxa = new double[(int) in];
            for (int b = 0; b < s.n(); b++) for (int oy = 0; oy < s.oh(); oy++) for (int ox = 0; ox < s.ow(); ox++) {
                for (int c = 0; c < s.c(); c++) {
                    long o = ((long) (b * s.oh() + oy) * s.ow() + ox) * s.c() + c;
                    float best = Float.NEGATIVE_INFINITY;
                    long bestAt = -1;
                    double sum = 0;
                    int count = 0;
                    for (int ky = 0; ky < s.kh(); ky++) for (int kx = 0; kx < s.kw(); kx++) {
                        long px = pixel(s, b, oy, ox, ky, kx);
                        if (px < 0) continue;
                        float v = at(x, px + c);
                        if (bestAt < 0 || v > best) { best = v; bestAt = px + c; }
                        sum += v;
                        count++;
                    }
                    assertEquals(best, at(y, o), "max " + s);
                    assertEquals(bestAt, y.getAtIndex(JAVA_FLOAT_UNALIGNED, o) == best ? arg.getAtIndex(JAVA_INT_UNALIGNED, o) : -2, "argmax " + s);
                    assertEquals(sum / count, at(ya, o), 1e-6, "avg " + s);
                    wantDx[(int) bestAt] += at(dy, o);
                    for (int ky = 0; ky < s.kh(); ky++) for (int kx = 0; kx < s.kw(); kx++) {
                        long px = pixel(s, b, oy, ox, ky, kx);
                        if (px >= 0) wantDxa[(int) (px + c)] += at(dy, o) / count;
                    }
                }
            }
            for (int i = 0; i < in; i++) {
                assertEquals(wantDx[i], at(dx, i), 1e-6, "max backward " + s + " at " + i);
                assertEquals(wantDxa[i], at(dxa, i), 1e-6, "avg backward " + s + " at " + i);
            }
        }
    }

    @Test
    void maxPoolingLetsNaNWinAndKeepsTheFirstOfEqualMaxima() {
        // 16 channels: whole vectors; 11: vectors and a scalar tail, with NaNs in both (a later NaN never replaces one).
        for (int ch : new int[] {16, 11}) {
            Conv2dShape s = Conv2dShape.of(1, 2, 2, ch, 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.VALID);
            MemorySegment x = Arena.ofAuto().allocate(4L * ch * 4, 64);
            for (int p = 0; p < 4; p++) for (int c = 0; c < ch; c++) x.setAtIndex(JAVA_FLOAT_UNALIGNED, p * ch + c, 1f);  // all equal
            int[] nanChannels = {5, ch - 1};
            for (int c : nanChannels) {
                x.setAtIndex(JAVA_FLOAT_UNALIGNED, 2 * ch + c, Float.NaN);
                x.setAtIndex(JAVA_FLOAT_UNALIGNED, 3 * ch + c, Float.NaN);
            }
            MemorySegment y = Arena.ofAuto().allocate(ch * 4L, 64), arg = Arena.ofAuto().allocate(ch * 4L, 64);
            Pool2d.maxForward(s, x, 0, y, 0, arg, 0);
            MemorySegment values = Arena.ofAuto().allocate(ch * 4L, 64);
            Pool2d.maxForward(s, x, 0, values, 0, null, 0);
            assertEquals(-1, y.mismatch(values), "NaN and ties without argmax, " + ch + " channels");
            for (int c = 0; c < ch; c++) {
                if (c == nanChannels[0] || c == nanChannels[1]) {
                    assertTrue(Float.isNaN(at(y, c)), "channel " + c + " of " + ch);
                    assertEquals(2 * ch + c, arg.getAtIndex(JAVA_INT_UNALIGNED, c), "first NaN, channel " + c + " of " + ch);
                } else {
                    assertEquals(1f, at(y, c));
                    assertEquals(c, arg.getAtIndex(JAVA_INT_UNALIGNED, c), "first pixel of equal maxima");
                }
            }
        }
    }
}
