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

    /**
     * {@return whether {@link #forwardPooled} and {@link #weightGradientPooled} serve this convolution followed by the
     * max pooling {@code pool} (its geometry over the convolution's output; null: none): 2 × 2 windows at stride 2
     * inside the output, whole vectors of output channels}
     */
    public static boolean appliesPooled(Conv2dShape s, Conv2dShape pool, int width) {
        return applies(s, width) && Pool2d.fusesTwoByTwo(s, pool, width) && s.f() % Simd.floatLanes() == 0;
    }

    /**
     * {@code y (N, POH, POW, F) = maxpool(conv(x, k))}, the pooling fused in: the same values, bit for bit, as
     * {@link #forward} followed by {@link MaxPool#forward}, and the same winners in {@code argmax} (null: not kept),
     * flat indices into the unpooled (N, OH, OW, F) output.
     *
     * @throws IllegalArgumentException when {@link #appliesPooled} does not hold
     */
    public static void forwardPooled(Conv2dShape s, Conv2dShape pool, MemorySegment x, long xOff, MemorySegment k, long kOff,
                                     MemorySegment y, long yOff, MemorySegment argmax, long aOff) {
        requirePooled(s, pool);
        SingleChannelPoolVector.forward(s, pool, x, xOff, k, kOff, y, yOff, argmax, aOff);
    }

    /**
     * The weight gradient through the pooling: from the pooled gradient {@code dy (N, POH, POW, F)} and the winners
     * {@link #forwardPooled} kept, without the unpooled gradient ever being written. Overwritten, or added to when
     * {@code accumulate}.
     *
     * @throws IllegalArgumentException when {@link #appliesPooled} does not hold
     */
    public static void weightGradientPooled(Conv2dShape s, Conv2dShape pool, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                            MemorySegment argmax, long aOff, MemorySegment dk, long dkOff, boolean accumulate) {
        requirePooled(s, pool);
        SingleChannelPoolVector.weightGradient(s, pool, x, xOff, dy, dyOff, argmax, aOff, dk, dkOff, accumulate);
    }

    private static void requirePooled(Conv2dShape s, Conv2dShape pool) {
        require(s);
        if (!appliesPooled(s, pool, 4)) {
            throw new IllegalArgumentException("SingleChannelConv's fused pooling takes 2x2 windows at stride 2 inside the " + s.oh() + "x"
                    + s.ow() + "x" + s.f() + " output and whole vectors of channels; got " + pool);
        }
    }

    private static void require(Conv2dShape s) {
        if (!applies(s, 4)) {
            throw new IllegalArgumentException("SingleChannelConv takes one input channel with the Vector API on; got " + s.c()
                    + " channels" + (Simd.ENABLED ? "" : " (Vector API off)"));
        }
    }
}
