package dev.panamax.kernels.conv;

import static dev.panamax.kernels.conv.ConvPoolTest.random;
import static dev.panamax.kernels.conv.SingleChannelPoolTest.assertPoolingByDefinition;
import static dev.panamax.kernels.conv.SingleChannelPoolTest.assertSameBits;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * Winograd with its 2 × 2 max pooling fused in, against the unfused passes bit for bit: forward against
 * {@link WinogradConv#forward} then {@link Pool2d#maxForward} (values and winners, ties from an image of zeros, a NaN),
 * backward against {@link Pool2d#maxBackward} then {@link WinogradConv#backward} (weight and input gradients), on
 * {@link WinogradConvTest}'s shapes: an odd output side (11: the last tile's third output row and column in no window),
 * one tile an image, whole tiles, 'same' padding, several chunks of tiles.
 */
class WinogradPoolTest {
    static Conv2dShape pool(Conv2dShape s) {
        return SingleChannelPoolTest.pool(s);
    }

    @Test
    void forwardEqualsWinogradThenPoolingBitForBit() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(53);
        int xo = 3, yo = 7, ao = 5;
        for (Conv2dShape s : WinogradConvTest.shapes(Simd.floatLanes())) {
            Conv2dShape p = pool(s);
            assertTrue(WinogradConv.appliesPooled(s, p, 4), s.toString());
            long image = (long) s.h() * s.w() * s.c(), pooled = (long) p.n() * p.oh() * p.ow() * s.f();
            MemorySegment x = random(r, xo + s.n() * image), k = random(r, 9L * s.c() * s.f());
            x.asSlice(xo * 4L, image * 4).fill((byte) 0);  // the first image all zeros: every window a tie
            if (s.n() > 1) x.setAtIndex(JAVA_FLOAT_UNALIGNED, xo + image + image / 2, Float.NaN);
            float[] u = WinogradConv.transformKernel(s, k, 0);
            MemorySegment conv = random(r, s.patches() * s.f()), wantY = random(r, pooled), wantA = random(r, pooled);
            WinogradConv.forward(s, x, xo, u, conv, 0);
            Pool2d.maxForward(p, conv, 0, wantY, 0, wantA, 0);
            MemorySegment y = random(r, yo + pooled), a = random(r, ao + pooled), values = random(r, yo + pooled);
            WinogradConv.forwardPooled(s, p, x, xo, u, y, yo, a, ao);
            WinogradConv.forwardPooled(s, p, x, xo, u, values, yo, null, 0);
            assertSameBits(wantY, 0, y, yo, pooled, s + ": y");
            assertSameBits(wantY, 0, values, yo, pooled, s + ": y without winners");
            assertSameBits(wantA, 0, a, ao, pooled, s + ": winners");
            assertPoolingByDefinition(p, conv, y, yo, a, ao, s.toString());
        }
    }

    @Test
    void backwardEqualsPoolingBackwardThenWinogradBitForBit() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(59);
        int xo = 3, go = 2, ao = 6, dxo = 4, tested = 0;
        for (Conv2dShape s : WinogradConvTest.shapes(Simd.floatLanes())) {
            Conv2dShape p = pool(s);
            boolean weights = WinogradConv.appliesToWeightGradient(s, 4), inputs = WinogradConv.appliesToInputGradient(s, 4);
            if (!weights && !inputs) continue;
            tested++;
            long image = (long) s.h() * s.w() * s.c(), pooled = (long) p.n() * p.oh() * p.ow() * s.f();
            MemorySegment x = random(r, xo + s.n() * image), k = random(r, 9L * s.c() * s.f());
            MemorySegment y = random(r, pooled), a = random(r, ao + pooled), g = random(r, go + pooled);
            WinogradConv.forwardPooled(s, p, x, xo, WinogradConv.transformKernel(s, k, 0), y, 0, a, ao);
            MemorySegment dense = random(r, s.patches() * s.f());
            Pool2d.maxBackward(p, g, go, a, ao, dense, 0);
            float[] ut = inputs ? WinogradConv.transformKernelForInputGradient(s, k, 0, null) : null;
            float[] wantDu = weights ? WinogradConv.transformedGradient(s) : null, du = weights ? WinogradConv.transformedGradient(s) : null;
            MemorySegment wantDx = inputs ? random(r, s.n() * image) : null, dx = inputs ? random(r, dxo + s.n() * image) : null;
            WinogradConv.backward(s, x, xo, dense, 0, wantDu, false, ut, wantDx, 0);
            WinogradConv.backwardPooled(s, p, x, xo, g, go, a, ao, du, false, ut, dx, dxo);
            if (weights) assertArrayEquals(wantDu, du, s + ": the transformed weight gradient");
            if (inputs) assertSameBits(wantDx, 0, dx, dxo, s.n() * image, s + ": dx");
        }
        assertTrue(tested >= 4, "shapes with a Winograd gradient: " + tested);
    }

    @Test
    void onlyTwoByTwoWindowsAtStrideTwoOverTheWholeOutput() {
        Conv2dShape s = WinogradConvTest.shapes(Simd.floatLanes())[0];
        assertEquals(Simd.ENABLED, WinogradConv.appliesPooled(s, pool(s), 4));
        assertFalse(WinogradConv.appliesPooled(s, null, 4));
        assertFalse(WinogradConv.appliesPooled(s, pool(s), 8), "F64 keeps the unfused loops");
        Conv2dShape overlapping = Conv2dShape.of(s.n(), s.oh(), s.ow(), s.f(), 2, 2, 0, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(WinogradConv.appliesPooled(s, overlapping, 4));
        Conv2dShape padded = Conv2dShape.of(s.n(), s.oh(), s.ow(), s.f(), 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.SAME);
        assertFalse(WinogradConv.appliesPooled(s, padded, 4), "11 outputs pooled 'same': the last window reaches the padding");
        Conv2dShape otherBatch = Conv2dShape.of(s.n() + 1, s.oh(), s.ow(), s.f(), 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.VALID);
        assertFalse(WinogradConv.appliesPooled(s, otherBatch, 4));
        MemorySegment any = MemorySegment.ofArray(new float[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WinogradConv.forwardPooled(s, overlapping, any, 0, new float[0], any, 0, null, 0));
        assertTrue(e.getMessage().contains("pooling"), e.getMessage());
    }
}
