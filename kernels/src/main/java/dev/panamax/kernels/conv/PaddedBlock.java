package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/**
 * A block of NHWC images copied once into a float array with their padding written out as zeros, and room past the
 * right edge for a last group of {@code pixels} outputs: the direct convolutions read every window tap as
 * {@code values[base(b, oy, ox) + tapOffset(ky, kx) + channel]}, with no bounds test in their inner loops. The input
 * gradient runs the other way: it adds into a block of zeros laid out the same way ({@link #zeros}) and crops the
 * images out of it ({@link #cropInto}), so its scatter needs no bounds test either. The arrays are the calling thread's,
 * reused by its next block of the same kind, so a block lives only within the kernel call that made it.
 *
 * @param values      the padded images, channels innermost
 * @param rowLength   floats per padded row
 * @param imageLength floats per padded image
 */
record PaddedBlock(float[] values, int rowLength, int imageLength) {
    /** Each thread's block arrays, up to 4 MB each: slot 0 an input block, slot 1 a gradient block (a backward pass holds both). */
    private static final ThreadFloats KEPT = new ThreadFloats(2, 1 << 20);

    static PaddedBlock of(Conv2dShape s, MemorySegment x, long xOff, int pixels) {
        return of(s, x, xOff, paddedHeight(s), paddedWidth(s, pixels));
    }

    /** The block with {@code ph} rows and {@code pw} columns an image, padding included (at least what {@code s} reads). */
    static PaddedBlock of(Conv2dShape s, MemorySegment x, long xOff, int ph, int pw) {
        int c = s.c();
        float[] v = KEPT.zeros(0, s.n() * ph * pw * c);
        int from = Math.max(0, s.padLeft()), to = Math.min(pw, s.w() + s.padLeft());
        for (int b = 0; b < s.n(); b++) {
            for (int py = 0; py < ph; py++) {
                int iy = py - s.padTop();
                if (iy < 0 || iy >= s.h() || to <= from) continue;
                long src = xOff + (((long) b * s.h() + iy) * s.w() + from - s.padLeft()) * c;
                MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, src << 2, v, ((b * ph + py) * pw + from) * c, (to - from) * c);
            }
        }
        return new PaddedBlock(v, pw * c, ph * pw * c);
    }

    /** An all-zero block in the geometry {@link #of} gives with one pixel at a time. */
    static PaddedBlock zeros(Conv2dShape s) {
        return zeros(s, paddedHeight(s), paddedWidth(s, 1));
    }

    /** An all-zero block of {@code ph} rows and {@code pw} columns an image, padding included. */
    static PaddedBlock zeros(Conv2dShape s, int ph, int pw) {
        return new PaddedBlock(KEPT.zeros(1, s.n() * ph * pw * s.c()), pw * s.c(), ph * pw * s.c());
    }

    /**
     * Writes the images inside the padding to {@code x (N, H, W, C)} at {@code xOff}, overwriting it; pixels the
     * block does not reach (past the last window of a strided convolution) get zeros.
     */
    void cropInto(Conv2dShape s, MemorySegment x, long xOff) {
        int c = s.c(), ph = imageLength / rowLength, pw = rowLength / c;
        int from = Math.max(0, s.padLeft()), to = Math.min(pw, s.w() + s.padLeft());
        if (s.padTop() == 0 && s.padLeft() == 0 && ph == s.h() && pw == s.w()) {  // no padding, every pixel reached: one copy
            MemorySegment.copy(values, 0, x, JAVA_FLOAT_UNALIGNED, xOff << 2, s.n() * imageLength);
            return;
        }
        x.asSlice(xOff << 2, (long) s.n() * s.h() * s.w() * c << 2).fill((byte) 0);
        for (int b = 0; b < s.n(); b++) {
            for (int iy = 0; iy < s.h(); iy++) {
                int py = iy + s.padTop();
                if (py < 0 || py >= ph || to <= from) continue;
                long dst = xOff + (((long) b * s.h() + iy) * s.w() + from - s.padLeft()) * c;
                MemorySegment.copy(values, b * imageLength + py * rowLength + from * c, x, JAVA_FLOAT_UNALIGNED, dst << 2, (to - from) * c);
            }
        }
    }

    private static int paddedHeight(Conv2dShape s) {
        return (s.oh() - 1) * s.sh() + (s.kh() - 1) * s.dh() + 1;
    }

    private static int paddedWidth(Conv2dShape s, int pixels) {
        return (s.ow() - 1 + pixels - 1) * s.sw() + (s.kw() - 1) * s.dw() + 1;
    }

    /** {@return where output pixel ({@code b}, {@code oy}, {@code ox})'s window starts} */
    int base(Conv2dShape s, int b, int oy, int ox) {
        return b * imageLength + oy * s.sh() * rowLength + ox * s.sw() * s.c();
    }

    /** {@return the offset of window tap ({@code ky}, {@code kx}) from a window's start} */
    int tapOffset(Conv2dShape s, int ky, int kx) {
        return ky * s.dh() * rowLength + kx * s.dw() * s.c();
    }
}
