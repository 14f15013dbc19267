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
 * The implicit-GEMM forward against the definition in double precision, on awkward shapes: output channels of one,
 * four and five vectors (the four-vector tile and the one-vector rest), two and three input channels, rows not a
 * multiple of the four pixels taken at once, strides, dilations, padding, one image, data at offsets. The weight and
 * input gradients the same way, each on the tiles and rests of its own loop.
 */
class DirectConvTest {
    static Conv2dShape[] shapes(int lanes) {
        return new Conv2dShape[] {
            Conv2dShape.of(2, 13, 13, 32, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID),          // the MNIST CNN's second layer
            Conv2dShape.of(1, 5, 5, 64, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID),            // and its third: 3 × 3 outputs
            Conv2dShape.of(3, 6, 7, 2, 3, 2, lanes, 1, 1, 1, 1, Conv2dShape.Padding.SAME),           // one vector of outputs
            Conv2dShape.of(2, 9, 8, 3, 3, 3, 5 * lanes, 2, 1, 1, 1, Conv2dShape.Padding.SAME),       // four vectors and one
            Conv2dShape.of(1, 11, 10, 5, 3, 2, 2 * lanes, 2, 3, 2, 1, Conv2dShape.Padding.VALID),    // dilated rows, strided columns
            Conv2dShape.of(2, 4, 3, 7, 1, 1, lanes, 1, 1, 1, 1, Conv2dShape.Padding.VALID)};         // a 1 × 1 window
    }

    @Test
    void forwardMatchesTheDefinition() {
        Assumptions.assumeTrue(Simd.ENABLED, "the direct path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(23);
        int xo = 3, ko = 5, yo = 7;
        for (Conv2dShape s : shapes(Simd.floatLanes())) {
            int f = s.f(), c = s.c();
            long pixels = (long) s.n() * s.oh() * s.ow(), taps = (long) s.kh() * s.kw();
            MemorySegment x = SingleChannelConvTest.random(r, xo + (long) s.n() * s.h() * s.w() * c);
            MemorySegment k = SingleChannelConvTest.random(r, ko + taps * c * f), y = SingleChannelConvTest.random(r, yo + pixels * f);
            double[] want = ConvReference.forward(s, x, xo, k, ko);
            DirectConv.forward(s, x, xo, k, ko, y, yo);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], SingleChannelConvTest.at(y, yo + i), 1e-4 * Math.max(1, Math.abs(want[i])), s + ": y " + i);
            }
        }
    }

    @Test
    void weightGradientMatchesTheDefinitionAndAccumulates() {
        Assumptions.assumeTrue(Simd.ENABLED, "the direct path runs only with the Vector API");
        int lanes = Simd.floatLanes();
        SplittableRandom r = new SplittableRandom(29);
        int xo = 3, go = 6, dko = 9;
        for (Conv2dShape s : new Conv2dShape[] {
                Conv2dShape.of(2, 13, 13, 32, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID),
                Conv2dShape.of(3, 7, 6, 4, 3, 2, 4 * lanes, 2, 1, 1, 1, Conv2dShape.Padding.SAME),
                Conv2dShape.of(1, 9, 11, 8, 2, 3, 8 * lanes, 1, 2, 2, 1, Conv2dShape.Padding.VALID)}) {
            assertTrue(DirectConv.appliesToWeightGradient(s, 4), s.toString());
            int f = s.f(), c = s.c();
            long pixels = (long) s.n() * s.oh() * s.ow(), kernel = (long) s.kh() * s.kw() * c * f;
            MemorySegment x = SingleChannelConvTest.random(r, xo + (long) s.n() * s.h() * s.w() * c);
            MemorySegment g = SingleChannelConvTest.random(r, go + pixels * f), dk = SingleChannelConvTest.random(r, dko + kernel);
            double[] want = ConvReference.weightGradient(s, x, xo, g, go);
            float[] before = new float[want.length];
            for (int i = 0; i < before.length; i++) before[i] = SingleChannelConvTest.at(dk, dko + i);
            DirectConv.weightGradient(s, x, xo, g, go, dk, dko, true);
            for (int i = 0; i < want.length; i++) {
                assertEquals(before[i] + want[i], SingleChannelConvTest.at(dk, dko + i), 1e-4 * Math.max(1, Math.abs(want[i])), s + ": accumulated dk " + i);
            }
            DirectConv.weightGradient(s, x, xo, g, go, dk, dko, false);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], SingleChannelConvTest.at(dk, dko + i), 1e-4 * Math.max(1, Math.abs(want[i])), s + ": dk " + i);
            }
        }
    }

    @Test
    void inputGradientMatchesTheDefinition() {
        Assumptions.assumeTrue(Simd.ENABLED, "the direct path runs only with the Vector API");
        int lanes = Simd.floatLanes();
        SplittableRandom r = new SplittableRandom(31);
        int go = 6, ko = 4, dxo = 9;
        for (Conv2dShape s : new Conv2dShape[] {
                Conv2dShape.of(2, 13, 13, 32, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID),            // 121 pixels an image: 15 tiles and 1
                Conv2dShape.of(9, 5, 5, 64, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID),              // tiles across images
                Conv2dShape.of(1, 6, 7, lanes, 3, 2, 5, 1, 1, 1, 1, Conv2dShape.Padding.SAME),             // one vector: a pixel at a time
                Conv2dShape.of(2, 9, 8, 3 * lanes, 3, 3, 3, 2, 1, 1, 1, Conv2dShape.Padding.SAME),         // a pair and one vector, strided rows
                Conv2dShape.of(1, 11, 10, 2 * lanes, 3, 2, 7, 2, 3, 2, 1, Conv2dShape.Padding.VALID),      // dilation; columns the windows miss
                Conv2dShape.of(3, 4, 3, 2 * lanes, 1, 1, 1, 1, 1, 1, 1, Conv2dShape.Padding.VALID)}) {     // a 1 × 1 window, one output channel
            assertTrue(DirectConv.appliesToInputGradient(s, 4), s.toString());
            int f = s.f(), c = s.c();
            long pixels = (long) s.n() * s.oh() * s.ow(), kernel = (long) s.kh() * s.kw() * c * f, image = (long) s.h() * s.w() * c;
            MemorySegment g = SingleChannelConvTest.random(r, go + pixels * f), k = SingleChannelConvTest.random(r, ko + kernel);
            MemorySegment dx = SingleChannelConvTest.random(r, dxo + s.n() * image);
            double[] want = ConvReference.inputGradient(s, g, go, k, ko);
            DirectConv.inputGradient(s, g, go, DirectConv.transposedKernel(s, k, ko), dx, dxo);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], SingleChannelConvTest.at(dx, dxo + i), 1e-4 * Math.max(1, Math.abs(want[i])), s + ": dx " + i);
            }
        }
    }

    @Test
    void takesSeveralChannelsAndWholeVectorsInF32() {
        int lanes = Simd.floatLanes();
        assertFalse(DirectConv.applies(Conv2dShape.of(1, 5, 5, 1, 3, 3, 16, 1, 1, 1, 1, Conv2dShape.Padding.VALID), 4), "one channel: SingleChannelConv");
        assertFalse(DirectConv.applies(shapes(16)[0], 8), "F64 keeps the GEMM path");
        Conv2dShape ragged = Conv2dShape.of(1, 5, 5, 3, 3, 3, lanes + 1, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(DirectConv.applies(ragged, 4));
        MemorySegment any = MemorySegment.ofArray(new float[1000]);
        assertThrows(IllegalArgumentException.class, () -> DirectConv.forward(ragged, any, 0, any, 0, any, 0));
        assertEquals(Simd.ENABLED, DirectConv.applies(shapes(lanes)[0], 4));
        assertFalse(DirectConv.appliesToWeightGradient(Conv2dShape.of(1, 5, 5, 3, 3, 3, 4 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.VALID), 4),
                "three input channels: not in fours");
        assertFalse(DirectConv.appliesToInputGradient(Conv2dShape.of(1, 5, 5, lanes + 1, 3, 3, 8, 1, 1, 1, 1, Conv2dShape.Padding.VALID), 4),
                "input channels not in whole vectors");
        assertFalse(DirectConv.appliesToInputGradient(shapes(16)[0], 8), "F64 keeps the GEMM path");
    }
}
