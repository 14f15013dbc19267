package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A kept transformed kernel is the transform of the kernel's bytes as they are now: reused while they are unchanged,
 * made again after any write (one weight, in place, at the same address), kept apart for several kernels at once
 * (more than the thread keeps, and heap kernels whose addresses all read 0), sized per kernel, and kept apart per pass.
 */
class KeptWinogradKernelsTest {
    private static final Conv2dShape MNIST_CONV2 = Conv2dShape.of(1, 13, 13, 32, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID);

    @Test
    void anUnchangedKernelIsReusedAndAChangedOneTransformedAgain() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        try (Arena arena = Arena.ofConfined()) {
            int ko = 5, raw = 9 * 32 * 64;
            MemorySegment k = arena.allocate((ko + raw) * 4L, 64);
            MemorySegment.copy(SingleChannelConvTest.random(new SplittableRandom(3), ko + raw), 0, k, 0, (ko + raw) * 4L);
            float[] first = KeptWinogradKernels.transformed(MNIST_CONV2, k, ko, false);
            assertArrayEquals(fresh(MNIST_CONV2, k, ko), first);
            assertSame(first, KeptWinogradKernels.transformed(MNIST_CONV2, k, ko, false), "an unchanged kernel is not transformed again");
            for (long at : new long[] {ko, ko + raw / 2, ko + raw - 1}) {  // first, middle and last weight
                k.setAtIndex(JAVA_FLOAT_UNALIGNED, at, k.getAtIndex(JAVA_FLOAT_UNALIGNED, at) + 0.25f);
                assertArrayEquals(fresh(MNIST_CONV2, k, ko), KeptWinogradKernels.transformed(MNIST_CONV2, k, ko, false), "after writing weight " + at);
            }
        }
    }

    @Test
    void severalKernelsOfSeveralSizesStayApart() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        SplittableRandom r = new SplittableRandom(11);
        Conv2dShape small = Conv2dShape.of(1, 8, 8, 4, 3, 3, 4 * Simd.floatLanes(), 1, 1, 1, 1, Conv2dShape.Padding.SAME);
        MemorySegment[] kernels = new MemorySegment[7];  // heap segments: address() is 0 for every one
        Conv2dShape[] shapes = new Conv2dShape[kernels.length];
        for (int i = 0; i < kernels.length; i++) {
            shapes[i] = i % 2 == 0 ? small : MNIST_CONV2;
            kernels[i] = SingleChannelConvTest.random(r, 9L * shapes[i].c() * shapes[i].f());
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < kernels.length; i++) {
                float[] got = KeptWinogradKernels.transformed(shapes[i], kernels[i], 0, false);
                float[] want = fresh(shapes[i], kernels[i], 0);
                assertArrayEquals(want, Arrays.copyOf(got, want.length), "kernel " + i + ", round " + round);
            }
        }
    }

    @Test
    void theSameKernelKeepsItsForwardAndInputGradientTransformsApart() {
        Assumptions.assumeTrue(Simd.ENABLED, "the Winograd path runs only with the Vector API");
        MemorySegment k = SingleChannelConvTest.random(new SplittableRandom(13), 9L * 32 * 64);
        for (int round = 0; round < 2; round++) {
            assertArrayEquals(fresh(MNIST_CONV2, k, 0), KeptWinogradKernels.transformed(MNIST_CONV2, k, 0, false), "forward, round " + round);
            assertArrayEquals(WinogradConv.transformKernelForInputGradient(MNIST_CONV2, k, 0, null),
                    KeptWinogradKernels.transformed(MNIST_CONV2, k, 0, true), "input gradient, round " + round);
        }
    }

    private static float[] fresh(Conv2dShape s, MemorySegment k, long ko) {
        return WinogradConv.transformKernel(s, k, ko, new float[WinogradConv.transformedFloats(s)]);
    }
}
