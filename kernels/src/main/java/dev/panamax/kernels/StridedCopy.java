package dev.panamax.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies {@code n} elements of {@code width} bytes from a strided source into a contiguous destination:
 * {@code dst[i] = src[srcOff + i * srcStride]}. Offsets and strides in elements; a stride of 0 broadcasts
 * one value. Unit stride becomes one bulk copy.
 */
public final class StridedCopy {
    private StridedCopy() {}

    public static void gather(int width, MemorySegment dst, long dstOff, MemorySegment src, long srcOff,
                              long srcStride, long n) {
        if (n <= 0) return;
        if (srcStride == 1) {
            MemorySegment.copy(src, srcOff * width, dst, dstOff * width, n * width);
            return;
        }
        switch (width) {
            case 1 -> { for (long i = 0; i < n; i++) dst.set(ValueLayout.JAVA_BYTE, dstOff + i, src.get(ValueLayout.JAVA_BYTE, srcOff + i * srcStride)); }
            case 4 -> { for (long i = 0; i < n; i++) dst.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, dstOff + i, src.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, srcOff + i * srcStride)); }
            case 8 -> { for (long i = 0; i < n; i++) dst.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, dstOff + i, src.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, srcOff + i * srcStride)); }
            default -> throw new IllegalArgumentException("element width " + width);
        }
    }
}
