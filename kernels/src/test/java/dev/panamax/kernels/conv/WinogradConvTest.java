package dev.panamax.kernels.conv;

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
 * Winograd F(2 × 2, 3 × 3) against the definition in double precision, forward, weight gradient (summed over one-image
 * blocks in the transformed domain, then transformed back), on odd and even
 * output sides (the last tile half outside), 'same' padding, several images with the tiles running across them, a tile
 * count that is not a multiple of four, input channels past the last whole vector, eight vectors of output channels,
 * data at offsets. Its error is also held against the direct kernel's on the same data: the transforms may cost a few
 * roundings, not digits. Several shapes span more than one chunk of tiles.
 */
class WinogradConvTest {
    static Conv2dShape[] shapes(int lanes) {
        return new Conv2dShape[] {
            Conv2dShape.of(2, 13, 13, 32, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID),             // the MNIST CNN's second layer: 11 × 11
            Conv2dShape.of(1, 10, 12, 8, 3, 3, 4 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.VALID),       // even sides: 8 × 10, 20 tiles
            Conv2dShape.of(3, 9, 7, 4, 3, 3, 8 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.SAME),          // 'same': 9 × 7, 3 × 20 tiles
            Conv2dShape.of(1, 8, 9, lanes + 4, 3, 3, 4 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.SAME),  // channels past the last vector
            Conv2dShape.of(2, 13, 13, 64, 3, 3, 2 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.SAME)};      // eight tiles × two vectors, 98 tiles in chunks
    }

    @Test
    void forwardMatchesTheDefinitionWithinTheDirectKernelsError() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(37);
        int xo = 3, ko = 5, yo = 7;
        for (Conv2dShape s : shapes(Simd.floatLanes())) {
            assertTrue(WinogradConv.applies(s, 4), s.toString());
            long pixels = (long) s.n() * s.oh() * s.ow();
            MemorySegment x = SingleChannelConvTest.random(r, xo + (long) s.n() * s.h() * s.w() * s.c());
            MemorySegment k = SingleChannelConvTest.random(r, ko + 9L * s.c() * s.f()), y = SingleChannelConvTest.random(r, yo + pixels * s.f());
            double[] want = ConvReference.forward(s, x, xo, k, ko);
            WinogradConv.forward(s, x, xo, WinogradConv.transformKernel(s, k, ko), y, yo);
            double winograd = ConvReference.maxError(want, y, yo), scale = ConvReference.maxAbs(want);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], SingleChannelConvTest.at(y, yo + i), 1e-4 * Math.max(1, Math.abs(want[i])), s + ": y " + i);
            }
            DirectConv.forward(s, x, xo, k, ko, y, yo);
            double direct = ConvReference.maxError(want, y, yo);
            assertTrue(winograd <= 4 * direct && winograd <= 2e-6 * scale * s.c(),
                    s + ": Winograd's largest error " + winograd + " against the direct kernel's " + direct + " (outputs up to " + scale + ")");
        }
    }

    @Test
    void weightGradientSummedOverBlocksMatchesTheDefinition() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(41);
        int xo = 3, go = 6, dko = 9;
        for (Conv2dShape s : shapes(Simd.floatLanes())) {
            if (s.c() % 4 != 0 || s.f() % (4 * Simd.floatLanes()) != 0) {
                assertFalse(WinogradConv.appliesToWeightGradient(s, 4), s + ": input channels not in fours, or output channels not in fours of vectors");
                continue;
            }
            long pixels = (long) s.n() * s.oh() * s.ow(), kernel = 9L * s.c() * s.f();
            MemorySegment x = SingleChannelConvTest.random(r, xo + (long) s.n() * s.h() * s.w() * s.c());
            MemorySegment g = SingleChannelConvTest.random(r, go + pixels * s.f()), dk = SingleChannelConvTest.random(r, dko + kernel);
            double[] want = ConvReference.weightGradient(s, x, xo, g, go);
            float[] du = WinogradConv.transformedGradient(s);
            java.util.Arrays.fill(du, Float.NaN);  // overwritten by the first block, whatever it held
            for (int b = 0; b < s.n(); b++) {  // one image a block, summed in dU, as ConvEngine does
                Conv2dShape one = Conv2dShape.of(1, s.h(), s.w(), s.c(), 3, 3, s.f(), 1, 1, 1, 1,
                        s.padTop() > 0 ? Conv2dShape.Padding.SAME : Conv2dShape.Padding.VALID);
                WinogradConv.transformedWeightGradient(one, x, xo + (long) b * s.h() * s.w() * s.c(), g, go + b * pixels / s.n() * s.f(), du, b > 0);
            }
            WinogradConv.kernelGradient(s, du, dk, dko);
            double winograd = ConvReference.maxError(want, dk, dko), scale = ConvReference.maxAbs(want);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], SingleChannelConvTest.at(dk, dko + i), 1e-4 * Math.max(1, Math.abs(want[i])), s + ": dk " + i);
            }
            DirectConv.weightGradient(s, x, xo, g, go, dk, dko, false);
            double direct = ConvReference.maxError(want, dk, dko);
            assertTrue(winograd <= 4 * direct && winograd <= 2e-6 * scale * pixels / s.n(),
                    s + ": Winograd's largest error " + winograd + " against the direct kernel's " + direct + " (gradients up to " + scale + ")");
        }
    }

    @Test
    void takesThreeByThreeUnitStrideWindowsWhereTheTilesSave() {
        int lanes = Simd.floatLanes();
        assertEquals(Simd.ENABLED, WinogradConv.applies(shapes(lanes)[0], 4));
        assertFalse(WinogradConv.applies(shapes(lanes)[0], 8), "F64 keeps the GEMM path");
        assertFalse(WinogradConv.applies(Conv2dShape.of(1, 5, 5, 64, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID), 4),
                "3 × 3 outputs: 64 products instead of 81 does not pay for the transforms");
        assertFalse(WinogradConv.applies(Conv2dShape.of(1, 13, 13, 32, 3, 3, 64, 2, 2, 1, 1, Conv2dShape.Padding.VALID), 4), "strided");
        assertFalse(WinogradConv.applies(Conv2dShape.of(1, 13, 13, 32, 3, 3, 64, 1, 1, 2, 2, Conv2dShape.Padding.VALID), 4), "dilated");
        assertFalse(WinogradConv.applies(Conv2dShape.of(1, 13, 13, 32, 5, 5, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID), 4), "5 × 5");
        Conv2dShape ragged = Conv2dShape.of(1, 13, 13, 32, 3, 3, 2 * lanes + lanes, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(WinogradConv.applies(ragged, 4), "output channels not in pairs of vectors");
        Conv2dShape pairs = Conv2dShape.of(1, 13, 13, 32, 3, 3, 2 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertEquals(Simd.ENABLED, WinogradConv.applies(pairs, 4), "output channels in a pair of vectors: eight tiles × two vectors");
        assertFalse(WinogradConv.appliesToWeightGradient(pairs, 4), "the weight gradient sums four vectors of output channels");
        MemorySegment any = MemorySegment.ofArray(new float[100_000]);
        assertThrows(IllegalArgumentException.class, () -> WinogradConv.forward(ragged, any, 0, new float[0], any, 0));
    }
}
