package dev.panamax.kernels.conv;

import dev.panamax.kernels.spec.Conv2dShape;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Max pooling over NHWC data in either precision: F32 ({@code width} 4) through the {@link Pool2d} kernels,
 * F64 ({@code width} 8, gradient checks) in the plain loops below, by the same rules: the first of equal maxima
 * wins, NaN wins, padding never does. {@code argmax} (int32, shaped like y) holds each winner's flat index into
 * {@code x}, counted from {@code xOff}; null {@code argmax}: the values only (inference). Offsets in elements.
 */
public final class MaxPool {
    private MaxPool() {}

    /** {@code y (N, OH, OW, C)} and {@code argmax} from {@code x (N, H, W, C)}; {@code s.c()} channels. */
    public static void forward(int width, Conv2dShape s, MemorySegment x, long xOff, MemorySegment y, long yOff,
                               MemorySegment argmax, long aOff) {
        if (width == 4) {
            Pool2d.maxForward(s, x, xOff, y, yOff, argmax, aOff);
            return;
        }
        int c = s.c();
        long o = 0;
        for (int b = 0; b < s.n(); b++) {
            for (int oy = 0; oy < s.oh(); oy++) {
                for (int ox = 0; ox < s.ow(); ox++) {
                    for (int ch = 0; ch < c; ch++, o++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int ky = 0; ky < s.kh(); ky++) {
                            int iy = s.inputRow(oy, ky);
                            if (iy < 0 || iy >= s.h()) continue;
                            for (int kx = 0; kx < s.kw(); kx++) {
                                int ix = s.inputCol(ox, kx);
                                if (ix < 0 || ix >= s.w()) continue;
                                int at = ((b * s.h() + iy) * s.w() + ix) * c + ch;
                                double v = x.getAtIndex(JAVA_DOUBLE_UNALIGNED, xOff + at);
                                if (arg < 0 || v > best || (v != v && best == best)) {
                                    best = v;
                                    arg = at;
                                }
                            }
                        }
                        y.setAtIndex(JAVA_DOUBLE_UNALIGNED, yOff + o, best);
                        if (argmax != null) argmax.setAtIndex(JAVA_INT_UNALIGNED, aOff + o, arg);
                    }
                }
            }
        }
    }

    /** {@code dx (N, H, W, C)} = each {@code dy} routed to its winner; overwritten. */
    public static void backward(int width, Conv2dShape s, MemorySegment dy, long dyOff, MemorySegment argmax, long aOff,
                                MemorySegment dx, long dxOff) {
        if (width == 4) {
            Pool2d.maxBackward(s, dy, dyOff, argmax, aOff, dx, dxOff);
            return;
        }
        long in = (long) s.n() * s.h() * s.w() * s.c(), out = (long) s.n() * s.oh() * s.ow() * s.c();
        dx.asSlice(dxOff * 8, in * 8).fill((byte) 0);
        for (long o = 0; o < out; o++) {
            int at = argmax.getAtIndex(JAVA_INT_UNALIGNED, aOff + o);
            if (at < 0) continue;
            long d = dxOff + at;
            dx.setAtIndex(JAVA_DOUBLE_UNALIGNED, d, dx.getAtIndex(JAVA_DOUBLE_UNALIGNED, d) + dy.getAtIndex(JAVA_DOUBLE_UNALIGNED, dyOff + o));
        }
    }
}
