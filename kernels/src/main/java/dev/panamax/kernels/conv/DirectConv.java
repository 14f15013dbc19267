package dev.panamax.kernels.conv;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/**
 * Convolution as an implicit GEMM ({@link DirectConvVector}): each block's output and weight gradient straight from
 * the tensors in their own layouts, where im2col + GEMM would write a patch matrix and pack both operands
 * for every block. {@link ConvEngine} takes each pass for F32 blocks whose channel counts fit the vector tiles (see the
 * {@code applies} methods), when the Vector API is on; the choice follows the shape alone, so results stay the same on
 * any thread count. The input gradient stays im2col's transpose + GEMM: as the forward of the output gradient with the
 * kernel flipped it measured 3.6-4.7 ms against 1.4 ms for the MNIST CNN's second layer at batch 32 (its 32 output
 * channels fill only two vectors, and the full padding adds 40 % multiply-adds on zeros).
 */
public final class DirectConv {
    private DirectConv() {}

    /** {@return whether the direct forward serves this geometry in this precision (4: F32, 8: F64)} */
    public static boolean applies(Conv2dShape s, int width) {
        return width == 4 && Simd.ENABLED && s.c() > 1 && s.f() > 0 && s.f() % Simd.floatLanes() == 0;
    }

    /**
     * {@code y (N, OH, OW, F) = conv(x (N, H, W, C), k (KH, KW, C, F))}, overwritten; offsets in elements, all contiguous.
     *
     * @throws IllegalArgumentException when the direct path does not apply to {@code s}
     */
    public static void forward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment k, long kOff, MemorySegment y, long yOff) {
        if (!applies(s, 4)) {
            throw new IllegalArgumentException("DirectConv takes several input channels and output channels in whole vectors of "
                    + Simd.floatLanes() + ", with the Vector API on; got " + s.c() + " and " + s.f());
        }
        DirectConvVector.forward(s, x, xOff, k, kOff, y, yOff);
    }

    /** {@return whether {@link #weightGradient} serves this geometry: input channels in fours, output channels in fours of vectors} */
    public static boolean appliesToWeightGradient(Conv2dShape s, int width) {
        return applies(s, width) && s.c() % 4 == 0 && s.f() % (4 * Simd.floatLanes()) == 0;
    }

    /**
     * The weight gradient {@code dk (KH, KW, C, F)} from the output gradient {@code g (N, OH, OW, F)}: overwritten, or added
     * to when {@code accumulate}.
     *
     * @throws IllegalArgumentException when {@link #appliesToWeightGradient} is false for {@code s}
     */
    public static void weightGradient(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, MemorySegment dk, long dkOff,
                                      boolean accumulate) {
        if (!appliesToWeightGradient(s, 4)) {
            throw new IllegalArgumentException("DirectConv.weightGradient takes input channels in fours and output channels in fours of "
                    + Simd.floatLanes() + ", with the Vector API on; got " + s.c() + " and " + s.f());
        }
        DirectConvVector.weightGradient(s, x, xOff, g, gOff, dk, dkOff, accumulate);
    }
}
