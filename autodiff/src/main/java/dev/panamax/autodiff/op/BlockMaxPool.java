package dev.panamax.autodiff.op;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import dev.panamax.kernels.conv.Conv2dShape;
import dev.panamax.kernels.conv.Pool2d;
import dev.panamax.tensors.DType;
import java.lang.foreign.MemorySegment;

/**
 * Max pooling of one block of a convolution's output, in cache: F32 through the {@link Pool2d} kernels, F64
 * (gradient checks) by the same rules in plain loops (the first of equal maxima wins, NaN wins, padding never
 * does). {@code argmax} holds each winner's flat index inside the block. Offsets in elements.
 */
final class BlockMaxPool {
    private BlockMaxPool() {}

    static void forward(DType t, Conv2dShape p, MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment argmax, long aOff) {
        if (t == DType.F32) {
            Pool2d.maxForward(p, x, xOff, y, yOff, argmax, aOff);
            return;
        }
        int c = p.c();
        long o = 0;
        for (int b = 0; b < p.n(); b++) {
            for (int oy = 0; oy < p.oh(); oy++) {
                for (int ox = 0; ox < p.ow(); ox++) {
                    for (int ch = 0; ch < c; ch++, o++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int ky = 0; ky < p.kh(); ky++) {
                            int iy = p.inputRow(oy, ky);
                            if (iy < 0 || iy >= p.h()) continue;
                            for (int kx = 0; kx < p.kw(); kx++) {
                                int ix = p.inputCol(ox, kx);
                                if (ix < 0 || ix >= p.w()) continue;
                                int at = ((b * p.h() + iy) * p.w() + ix) * c + ch;
                                double v = x.getAtIndex(JAVA_DOUBLE_UNALIGNED, xOff + at);
                                if (arg < 0 || v > best || (v != v && best == best)) {
                                    best = v;
                                    arg = at;
                                }
                            }
                        }
                        y.setAtIndex(JAVA_DOUBLE_UNALIGNED, yOff + o, best);
                        argmax.setAtIndex(JAVA_INT_UNALIGNED, aOff + o, arg);
                    }
                }
            }
        }
    }

    /** {@code dx} (the block's convolution output gradient) = each {@code dy} routed to its winner; overwritten. */
    static void backward(DType t, Conv2dShape p, MemorySegment dy, long dyOff, MemorySegment argmax, long aOff, MemorySegment dx, long dxOff) {
        if (t == DType.F32) {
            Pool2d.maxBackward(p, dy, dyOff, argmax, aOff, dx, dxOff);
            return;
        }
        long in = (long) p.n() * p.h() * p.w() * p.c(), out = (long) p.n() * p.oh() * p.ow() * p.c();
        dx.asSlice(dxOff * 8, in * 8).fill((byte) 0);
        for (long o = 0; o < out; o++) {
            int at = argmax.getAtIndex(JAVA_INT_UNALIGNED, aOff + o);
            if (at < 0) continue;
            long d = dxOff + at;
            dx.setAtIndex(JAVA_DOUBLE_UNALIGNED, d, dx.getAtIndex(JAVA_DOUBLE_UNALIGNED, d) + dy.getAtIndex(JAVA_DOUBLE_UNALIGNED, dyOff + o));
        }
    }
}
