package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The direct one-channel convolution against loops written from the definition, in double precision, on awkward
 * shapes: channel counts below, at and past a vector's lanes, rows not a multiple of the four pixels taken at once,
 * windows whose taps are not a multiple of four, strides, dilations, padding, one image, and data at offsets.
 */
class SingleChannelConvTest {
    static Conv2dShape[] shapes() {
        return new Conv2dShape[] {
            Conv2dShape.of(2, 28, 28, 1, 3, 3, 32, 1, 1, 1, 1, Conv2dShape.Padding.VALID),   // the MNIST CNN's first layer
            Conv2dShape.of(1, 5, 7, 1, 3, 3, 1, 1, 1, 1, 1, Conv2dShape.Padding.VALID),      // one channel: the scalar tail only
            Conv2dShape.of(3, 6, 9, 1, 2, 3, 17, 1, 1, 1, 1, Conv2dShape.Padding.SAME),      // 17 channels, six taps
            Conv2dShape.of(2, 9, 8, 1, 5, 5, 33, 2, 1, 1, 1, Conv2dShape.Padding.SAME),      // 25 taps, strided rows
            Conv2dShape.of(1, 11, 10, 1, 3, 2, 16, 2, 3, 2, 1, Conv2dShape.Padding.VALID),   // dilated rows, strided columns
            Conv2dShape.of(2, 4, 3, 1, 1, 1, 5, 1, 1, 1, 1, Conv2dShape.Padding.VALID),      // a 1 × 1 window
            Conv2dShape.of(1, 7, 9, 1, 3, 3, 49, 1, 1, 1, 1, Conv2dShape.Padding.SAME)};     // pairs of vectors, one vector more (16 lanes), a tail
    }

    static MemorySegment random(SplittableRandom r, long n) {
        MemorySegment s = MemorySegment.ofArray(new float[(int) Math.max(1, n)]);
        for (long i = 0; i < n; i++) s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, (float) r.nextDouble(-1, 1));
        return s;
    }

    static float at(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    /** x at (b, iy, ix), 0 in the padding; x starts at {@code off}. */
    static double x(Conv2dShape s, MemorySegment x, long off, int b, int iy, int ix) {
        return iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w() ? 0 : at(x, off + ((long) b * s.h() + iy) * s.w() + ix);
    }

    @Test
    void forwardAndWeightGradientMatchTheDefinition() {
        Assumptions.assumeTrue(Simd.ENABLED, "the direct path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(17);
        int xo = 3, ko = 5, yo = 7, go = 2, dko = 11;  // data at offsets, as views of larger buffers
        for (Conv2dShape s : shapes()) {
            int f = s.f();
            long pixels = (long) s.n() * s.oh() * s.ow(), taps = (long) s.kh() * s.kw();
            MemorySegment x = random(r, xo + (long) s.n() * s.h() * s.w()), k = random(r, ko + taps * f);
            MemorySegment y = random(r, yo + pixels * f), g = random(r, go + pixels * f), dk = random(r, dko + taps * f);
            SingleChannelConv.forward(s, x, xo, k, ko, y, yo);
            double[] sums = new double[(int) (taps * f)];
            long pixel = 0;
            for (int b = 0; b < s.n(); b++) {
                for (int oy = 0; oy < s.oh(); oy++) {
                    for (int ox = 0; ox < s.ow(); ox++, pixel++) {
                        for (int c = 0; c < f; c++) {
                            double want = 0;
                            for (int ky = 0; ky < s.kh(); ky++) {
                                for (int kx = 0; kx < s.kw(); kx++) {
                                    double v = x(s, x, xo, b, oy * s.sh() - s.padTop() + ky * s.dh(), ox * s.sw() - s.padLeft() + kx * s.dw());
                                    want += v * at(k, ko + (ky * s.kw() + kx) * (long) f + c);
                                    sums[(ky * s.kw() + kx) * f + c] += v * at(g, go + pixel * f + c);
                                }
                            }
                            assertEquals(want, at(y, yo + pixel * f + c), 1e-5, s + ": y at pixel " + pixel + ", channel " + c);
                        }
                    }
                }
            }
            float[] before = new float[sums.length];
            for (int i = 0; i < before.length; i++) before[i] = at(dk, dko + i);
            SingleChannelConv.weightGradient(s, x, xo, g, go, dk, dko, false);
            for (int i = 0; i < sums.length; i++) assertEquals(sums[i], at(dk, dko + i), 1e-4 * Math.max(1, Math.abs(sums[i])), s + ": dk " + i);
            for (int i = 0; i < before.length; i++) dk.setAtIndex(JAVA_FLOAT_UNALIGNED, dko + i, before[i]);
            SingleChannelConv.weightGradient(s, x, xo, g, go, dk, dko, true);
            for (int i = 0; i < sums.length; i++) {
                assertEquals(before[i] + sums[i], at(dk, dko + i), 1e-4 * Math.max(1, Math.abs(sums[i])), s + ": accumulated dk " + i);
            }
        }
    }

    @Test
    void onlyOneChannelInF32() {
        Conv2dShape three = Conv2dShape.of(1, 5, 5, 3, 3, 3, 4, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(SingleChannelConv.applies(three, 4));
        assertFalse(SingleChannelConv.applies(shapes()[0], 8), "F64 (gradient checks) keeps the GEMM path");
        assertEquals(Simd.ENABLED, SingleChannelConv.applies(shapes()[0], 4));
        MemorySegment any = MemorySegment.ofArray(new float[100]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SingleChannelConv.forward(three, any, 0, any, 0, any, 0));
        assertTrue(e.getMessage().contains("one input channel"), e.getMessage());
    }
}
