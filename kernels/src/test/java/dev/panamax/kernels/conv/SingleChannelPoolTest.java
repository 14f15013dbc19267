package dev.panamax.kernels.conv;

import static dev.panamax.kernels.conv.ConvPoolTest.random;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
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
 * The one-channel convolution with its 2 × 2 max pooling fused in, against the two run one after the other (values and
 * winners bit for bit) and the weight gradient against the definition in double precision, on shapes whose pooled
 * width is odd (a last pair of columns alone), whose output has a row and a column no window covers, with strides,
 * dilation and padding in the convolution, ties (rows of zeros) and a NaN in the input.
 */
class SingleChannelPoolTest {
    static Conv2dShape[] shapes() {
        return new Conv2dShape[] {
            Conv2dShape.of(2, 28, 28, 1, 3, 3, 32, 1, 1, 1, 1, Conv2dShape.Padding.VALID),   // the MNIST CNN's first layer: 13 × 13 pooled
            Conv2dShape.of(3, 9, 10, 1, 3, 3, 16, 1, 1, 1, 1, Conv2dShape.Padding.VALID),    // 7 × 8 output: the last row uncovered
            Conv2dShape.of(1, 8, 13, 1, 2, 2, 48, 1, 1, 1, 1, Conv2dShape.Padding.VALID),    // 7 × 12 output, three vectors of 16 lanes
            Conv2dShape.of(2, 11, 12, 1, 3, 3, 16, 2, 1, 1, 1, Conv2dShape.Padding.SAME),    // strided rows, padding: 6 × 12
            Conv2dShape.of(1, 7, 11, 1, 3, 2, 32, 1, 1, 2, 1, Conv2dShape.Padding.VALID),    // dilated rows: 3 × 10, pooled 1 × 5
            Conv2dShape.of(1, 3, 3, 1, 2, 2, 16, 1, 1, 1, 1, Conv2dShape.Padding.VALID)};    // one window
    }

    static Conv2dShape pool(Conv2dShape s) {
        return Conv2dShape.of(s.n(), s.oh(), s.ow(), s.f(), 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.VALID);
    }

    /** {@code n} elements of {@code got} from {@code gotOff} equal {@code want}'s from {@code wantOff} as 32-bit patterns. */
    static void assertSameBits(MemorySegment want, long wantOff, MemorySegment got, long gotOff, long n, String what) {
        for (long i = 0; i < n; i++) {
            assertEquals(want.getAtIndex(JAVA_INT_UNALIGNED, wantOff + i), got.getAtIndex(JAVA_INT_UNALIGNED, gotOff + i), what + " at " + i);
        }
    }

    /**
     * Each pooled value and winner of {@code y} / {@code a} against a scan of its window in {@code conv} (the unpooled
     * output) by the definition: windows read row by row, the first of equal maxima wins, NaN wins over a number.
     */
    static void assertPoolingByDefinition(Conv2dShape p, MemorySegment conv, MemorySegment y, long yo, MemorySegment a, long ao, String what) {
        int c = p.c();
        for (int b = 0, o = 0; b < p.n(); b++) for (int py = 0; py < p.oh(); py++) for (int px = 0; px < p.ow(); px++) for (int ch = 0; ch < c; ch++, o++) {
            float best = 0;
            int at = -1;
            for (int ky = 0; ky < 2; ky++) for (int kx = 0; kx < 2; kx++) {
                int i = ((b * p.h() + 2 * py + ky) * p.w() + 2 * px + kx) * c + ch;
                float v = conv.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
                if (at < 0 || v > best || (v != v && best == best)) {
                    best = v;
                    at = i;
                }
            }
            assertEquals(Float.floatToRawIntBits(best), Float.floatToRawIntBits(y.getAtIndex(JAVA_FLOAT_UNALIGNED, yo + o)), what + ": y at " + o);
            assertEquals(at, a.getAtIndex(JAVA_INT_UNALIGNED, ao + o), what + ": winner at " + o);
        }
    }

    @Test
    void forwardEqualsConvolutionThenPoolingBitForBit() {
        Assumptions.assumeTrue(Simd.ENABLED, "the fused path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(23);
        int xo = 3, ko = 5, yo = 7, ao = 9;
        for (Conv2dShape s : shapes()) {
            Conv2dShape p = pool(s);
            assertTrue(SingleChannelConv.appliesPooled(s, p, 4), s.toString());
            long image = (long) s.h() * s.w(), outputs = s.patches() * s.f(), pooled = (long) p.n() * p.oh() * p.ow() * s.f();
            MemorySegment x = random(r, xo + s.n() * image), k = random(r, ko + (long) s.kh() * s.kw() * s.f());
            for (int i = 0; i < 2 * s.w(); i++) x.setAtIndex(JAVA_FLOAT_UNALIGNED, xo + i, 0f);  // two rows of zeros: ties
            x.setAtIndex(JAVA_FLOAT_UNALIGNED, xo + image - 2, Float.NaN);  // a NaN near the first image's end
            MemorySegment conv = random(r, outputs), wantY = random(r, pooled), wantA = random(r, pooled);
            SingleChannelConv.forward(s, x, xo, k, ko, conv, 0);
            Pool2d.maxForward(p, conv, 0, wantY, 0, wantA, 0);
            MemorySegment y = random(r, yo + pooled), a = random(r, ao + pooled), values = random(r, yo + pooled);
            SingleChannelConv.forwardPooled(s, p, x, xo, k, ko, y, yo, a, ao);
            SingleChannelConv.forwardPooled(s, p, x, xo, k, ko, values, yo, null, 0);
            assertSameBits(wantY, 0, y, yo, pooled, s + ": y");
            assertSameBits(wantY, 0, values, yo, pooled, s + ": y without winners");
            assertSameBits(wantA, 0, a, ao, pooled, s + ": winners");
            assertPoolingByDefinition(p, conv, y, yo, a, ao, s.toString());
        }
    }

    @Test
    void weightGradientMatchesTheDefinitionThroughTheWinners() {
        Assumptions.assumeTrue(Simd.ENABLED, "the fused path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(29);
        int xo = 3, go = 2, ao = 6, dko = 11;
        for (Conv2dShape s : shapes()) {
            Conv2dShape p = pool(s);
            long pooled = (long) p.n() * p.oh() * p.ow() * s.f(), taps = (long) s.kh() * s.kw();
            MemorySegment x = random(r, xo + (long) s.n() * s.h() * s.w()), k = random(r, taps * s.f());
            MemorySegment y = random(r, pooled), a = random(r, ao + pooled), g = random(r, go + pooled);
            SingleChannelConv.forwardPooled(s, p, x, xo, k, 0, y, 0, a, ao);
            // The unpooled gradient by the definition: each window's gradient at its winner, zeros elsewhere.
            MemorySegment dense = MemorySegment.ofArray(new float[(int) (s.patches() * s.f())]);
            for (long i = 0; i < pooled; i++) {
                long w = a.getAtIndex(JAVA_INT_UNALIGNED, ao + i);
                dense.setAtIndex(JAVA_FLOAT_UNALIGNED, w, dense.getAtIndex(JAVA_FLOAT_UNALIGNED, w) + g.getAtIndex(JAVA_FLOAT_UNALIGNED, go + i));
            }
            double[] want = ConvReference.weightGradient(s, x, xo, dense, 0);
            MemorySegment dk = random(r, dko + taps * s.f());
            float[] before = new float[want.length];
            for (int i = 0; i < before.length; i++) before[i] = dk.getAtIndex(JAVA_FLOAT_UNALIGNED, dko + i);
            SingleChannelConv.weightGradientPooled(s, p, x, xo, g, go, a, ao, dk, dko, false);
            double tolerance = 2e-6 * Math.max(1, ConvReference.maxAbs(want)) * Math.sqrt(pooled / s.f());
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], dk.getAtIndex(JAVA_FLOAT_UNALIGNED, dko + i), tolerance, s + ": dk " + i);
                dk.setAtIndex(JAVA_FLOAT_UNALIGNED, dko + i, before[i]);
            }
            SingleChannelConv.weightGradientPooled(s, p, x, xo, g, go, a, ao, dk, dko, true);
            for (int i = 0; i < want.length; i++) {
                assertEquals(before[i] + want[i], dk.getAtIndex(JAVA_FLOAT_UNALIGNED, dko + i), tolerance, s + ": accumulated dk " + i);
            }
        }
    }

    @Test
    void onlyWholeVectorsAndTwoByTwoWindowsAtStrideTwo() {
        Conv2dShape s = shapes()[0];
        assertEquals(Simd.ENABLED, SingleChannelConv.appliesPooled(s, pool(s), 4));
        assertFalse(SingleChannelConv.appliesPooled(s, pool(s), 8), "F64 keeps the unfused loops");
        assertFalse(SingleChannelConv.appliesPooled(s, null, 4));
        Conv2dShape overlapping = Conv2dShape.of(s.n(), s.oh(), s.ow(), s.f(), 2, 2, 0, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(SingleChannelConv.appliesPooled(s, overlapping, 4));
        Conv2dShape three = Conv2dShape.of(s.n(), s.oh(), s.ow(), s.f(), 3, 3, 0, 3, 3, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(SingleChannelConv.appliesPooled(s, three, 4));
        Conv2dShape padded = Conv2dShape.of(s.n(), 7, 7, 16, 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.SAME);
        Conv2dShape seven = Conv2dShape.of(s.n(), 9, 9, 1, 3, 3, 16, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(SingleChannelConv.appliesPooled(seven, padded, 4), "pooling with padding");
        Conv2dShape odd = Conv2dShape.of(1, 9, 9, 1, 3, 3, 17, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(SingleChannelConv.appliesPooled(odd, pool(odd), 4), "17 channels: not whole vectors");
        MemorySegment any = MemorySegment.ofArray(new float[100]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SingleChannelConv.forwardPooled(odd, pool(odd), any, 0, any, 0, any, 0, null, 0));
        assertTrue(e.getMessage().contains("whole vectors") || e.getMessage().contains("Vector API"), e.getMessage());
    }
}
