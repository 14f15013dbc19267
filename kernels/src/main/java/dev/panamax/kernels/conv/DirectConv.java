package dev.panamax.kernels.conv;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/**
 * Convolution forward as an implicit GEMM ({@link DirectConvVector}): each block's output straight from the input and
 * the kernel in their own layouts, where im2col + GEMM would write a patch matrix and pack both operands for every
 * block. {@link ConvEngine} takes it for F32 blocks of inputs with several channels whose output channels fill whole
 * vectors, when the Vector API is on; the choice follows the shape alone, so results stay the same on any thread count.
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
}
