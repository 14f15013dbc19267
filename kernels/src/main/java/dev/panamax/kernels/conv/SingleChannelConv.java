package dev.panamax.kernels.conv;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/**
 * The convolution of a one-channel input done directly ({@link SingleChannelConvVector}) instead of as im2col + GEMM,
 * whose inner dimension would be only the window's size. {@link ConvEngine} takes it for F32 blocks with one input
 * channel when the Vector API is on; the choice follows the shape alone, so results stay the same on any thread count.
 * Measured on the MNIST CNN's first layer (28 × 28 × 1 → 26 × 26 × 32, batch 32, one thread): see the README's
 * "Panamax vs PyTorch" section and {@code ConvBench}.
 */
public final class SingleChannelConv {
    private SingleChannelConv() {}

    /** {@return whether the direct path serves this geometry in this precision (4: F32, 8: F64)} */
    public static boolean applies(Conv2dShape s, int width) {
        return width == 4 && s.c() == 1 && Simd.ENABLED && s.f() > 0;
    }

    /**
     * {@code y (N, OH, OW, F) = conv(x (N, H, W, 1), k (KH, KW, 1, F))}, overwritten; offsets in elements, all contiguous.
     *
     * @throws IllegalArgumentException when the direct path does not apply to {@code s}
     */
    public static void forward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment k, long kOff, MemorySegment y, long yOff) {
        require(s);
        SingleChannelConvVector.forward(s, x, xOff, k, kOff, y, yOff);
    }

    /**
     * The weight gradient {@code dk (KH, KW, 1, F)} from the output gradient {@code g (N, OH, OW, F)}: overwritten, or
     * added to when {@code accumulate}.
     *
     * @throws IllegalArgumentException when the direct path does not apply to {@code s}
     */
    public static void weightGradient(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, MemorySegment dk, long dkOff,
                                      boolean accumulate) {
        require(s);
        SingleChannelConvVector.weightGradient(s, x, xOff, g, gOff, dk, dkOff, accumulate);
    }

    private static void require(Conv2dShape s) {
        if (!applies(s, 4)) {
            throw new IllegalArgumentException("SingleChannelConv takes one input channel with the Vector API on; got " + s.c()
                    + " channels" + (Simd.ENABLED ? "" : " (Vector API off)"));
        }
    }
}
