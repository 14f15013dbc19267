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
 * Winograd F(4 × 4, 3 × 3) against the definition in double precision, forward, weight gradient (summed over one-image
 * blocks in the transformed domain, then transformed back) and input gradient (tiles overlapping, cropped out of the
 * padding), on output sides that leave one, two, three or no outputs in the last tile, 'same' padding, several images
 * with the tiles running across them, a tile count that is not a multiple of four, input channels past the last whole
 * vector, eight vectors of output channels, data at offsets. Its error is also held against the direct kernel's on the
 * same data: the larger transforms may cost a few roundings, not digits. Several shapes span more than one chunk of tiles.
 */
class WinogradConvTest {
    /**
     * How many times the direct kernel's largest error Winograd's may reach, per pass. Measured on these shapes (the
     * direct kernels' own error varies by shape): forward 0.8–12.3×, weight gradient 2.6–7.4×, input gradient 4.7–25×,
     * every one below 6e-6 of the largest value. The larger tile's transforms (coefficients to 8 and 1/24) cost that
     * much more than F(2 × 2, 3 × 3)'s, which stayed within 4×.
     */
    private static final double FORWARD_BOUND = 16, WEIGHT_GRADIENT_BOUND = 12, INPUT_GRADIENT_BOUND = 32;

    static Conv2dShape[] shapes(int lanes) {
        return new Conv2dShape[] {
            Conv2dShape.of(2, 13, 13, 32, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID),             // the MNIST CNN's second layer: 11 × 11
            Conv2dShape.of(3, 6, 6, 64, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID),               // 4 × 4: one whole tile an image
            Conv2dShape.of(1, 10, 14, 8, 3, 3, 4 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.VALID),       // 8 × 12: whole tiles
            Conv2dShape.of(3, 9, 7, 2 * lanes, 3, 3, 8 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.SAME),  // 'same': 9 × 7, 3 × 6 tiles
            Conv2dShape.of(1, 8, 11, lanes + 4, 3, 3, 4 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.SAME), // channels past the last vector
            Conv2dShape.of(2, 30, 30, 64, 3, 3, 2 * lanes, 1, 1, 1, 1, Conv2dShape.Padding.SAME)};      // eight tiles × two vectors, 128 tiles in chunks
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
                assertEquals(want[i], SingleChannelConvTest.at(y, yo + i), 1e-5 * Math.max(1, scale), s + ": y " + i);
            }
            DirectConv.forward(s, x, xo, k, ko, y, yo);
            double direct = ConvReference.maxError(want, y, yo);
            assertTrue(winograd <= FORWARD_BOUND * direct && winograd <= 2e-6 * scale * s.c(),
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
                WinogradConv.backward(one, x, xo + (long) b * s.h() * s.w() * s.c(), g, go + b * pixels / s.n() * s.f(), du, b > 0, null, null, 0);
            }
            WinogradConv.kernelGradient(s, du, dk, dko);
            double winograd = ConvReference.maxError(want, dk, dko), scale = ConvReference.maxAbs(want);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], SingleChannelConvTest.at(dk, dko + i), 1e-5 * Math.max(1, scale), s + ": dk " + i);
            }
            DirectConv.weightGradient(s, x, xo, g, go, dk, dko, false);
            double direct = ConvReference.maxError(want, dk, dko);
            assertTrue(winograd <= WEIGHT_GRADIENT_BOUND * direct && winograd <= 2e-6 * scale * pixels / s.n(),
                    s + ": Winograd's largest error " + winograd + " against the direct kernel's " + direct + " (gradients up to " + scale + ")");
        }
    }

    @Test
    void inputGradientFromOverlappingTilesMatchesTheDefinition() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(43);
        int go = 6, ko = 5, dxo = 9, tested = 0;
        for (Conv2dShape s : shapes(Simd.floatLanes())) {
            if (s.c() % (2 * Simd.floatLanes()) != 0) {
                assertFalse(WinogradConv.appliesToInputGradient(s, 4), s + ": input channels not in pairs of vectors");
                continue;
            }
            tested++;
            long pixels = (long) s.n() * s.oh() * s.ow(), inputs = (long) s.n() * s.h() * s.w() * s.c();
            MemorySegment g = SingleChannelConvTest.random(r, go + pixels * s.f()), k = SingleChannelConvTest.random(r, ko + 9L * s.c() * s.f());
            MemorySegment dx = SingleChannelConvTest.random(r, dxo + inputs);  // overwritten, padding and all
            double[] want = ConvReference.inputGradient(s, g, go, k, ko);
            float[] ut = WinogradConv.transformKernelForInputGradient(s, k, ko, null);
            WinogradConv.backward(s, MemorySegment.NULL, 0, g, go, null, false, ut, dx, dxo);
            double winograd = ConvReference.maxError(want, dx, dxo), scale = ConvReference.maxAbs(want);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], SingleChannelConvTest.at(dx, dxo + i), 1e-5 * Math.max(1, scale), s + ": dx " + i);
            }
            DirectConv.inputGradient(s, g, go, DirectConv.transposedKernel(s, k, ko), dx, dxo);
            double direct = ConvReference.maxError(want, dx, dxo);
            assertTrue(winograd <= INPUT_GRADIENT_BOUND * direct && winograd <= 2e-6 * scale * s.f(),
                    s + ": Winograd's largest error " + winograd + " against the direct kernel's " + direct + " (gradients up to " + scale + ")");
        }
        assertTrue(tested >= 4, "shapes with input channels in pairs of vectors: " + tested);
    }

    @Test
    void bothGradientsFromOnePassEqualEachAlone() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(47);
        Conv2dShape s = shapes(Simd.floatLanes())[0];
        long pixels = (long) s.n() * s.oh() * s.ow(), inputs = (long) s.n() * s.h() * s.w() * s.c();
        MemorySegment x = SingleChannelConvTest.random(r, inputs), g = SingleChannelConvTest.random(r, pixels * s.f());
        MemorySegment k = SingleChannelConvTest.random(r, 9L * s.c() * s.f());
        MemorySegment dxAlone = SingleChannelConvTest.random(r, inputs), dxBoth = SingleChannelConvTest.random(r, inputs);
        float[] ut = WinogradConv.transformKernelForInputGradient(s, k, 0, null);
        float[] duAlone = WinogradConv.transformedGradient(s), duBoth = WinogradConv.transformedGradient(s);
        WinogradConv.backward(s, x, 0, g, 0, duAlone, false, null, null, 0);
        WinogradConv.backward(s, MemorySegment.NULL, 0, g, 0, null, false, ut, dxAlone, 0);
        WinogradConv.backward(s, x, 0, g, 0, duBoth, false, ut, dxBoth, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(duAlone, duBoth);
        assertEquals(-1, dxAlone.mismatch(dxBoth), "the input gradient, bit for bit");
    }

    @Test
    void takesThreeByThreeUnitStrideWindowsWhereTheTilesSave() {
        int lanes = Simd.floatLanes();
        assertEquals(Simd.ENABLED, WinogradConv.applies(shapes(lanes)[0], 4));
        assertFalse(WinogradConv.applies(shapes(lanes)[0], 8), "F64 keeps the GEMM path");
        assertFalse(WinogradConv.applies(Conv2dShape.of(1, 5, 5, 64, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID), 4),
                "3 × 3 outputs: one tile, 36 products instead of 81, does not pay for the transforms");
        assertFalse(WinogradConv.applies(Conv2dShape.of(1, 8, 8, 64, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID), 4),
                "6 × 6 outputs: four tiles, 144 products instead of 324");
        assertEquals(Simd.ENABLED, WinogradConv.applies(Conv2dShape.of(1, 6, 6, 64, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID), 4),
                "4 × 4 outputs: one whole tile, 36 products instead of 144");
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
