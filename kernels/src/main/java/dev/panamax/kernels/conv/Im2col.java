package dev.panamax.kernels.conv;

import dev.panamax.kernels.spec.Conv2dShape;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.Elementwise;
import dev.panamax.kernels.Parallel;
import java.lang.foreign.MemorySegment;

/**
 * Unfolding NHWC images into a patch matrix and folding gradients back, so convolution becomes one GEMM.
 * <pre>
 * im2col: cols (N·OH·OW, KH·KW·C) ← x (N, H, W, C)      row = output pixel, column = (ky, kx, c)
 * col2im: dx (N, H, W, C) ← Σ over patches of dcols      (overwrites dx; overlapping windows add up)
 * </pre>
 * The column order matches Keras' kernel layout {@code (KH, KW, C, F)} flattened to {@code (KH·KW·C, F)}.
 * Each (pixel, ky, kx) moves C contiguous channels at once. Offsets in elements; F32 by default, F64 through
 * the overloads (for float64 gradient checks).
 */
public final class Im2col {
    private Im2col() {}

    /** Window rows shorter than this many floats are copied element by element. */
    private static final int SHORT_RUN = 16;

    public static void im2col(Conv2dShape s, MemorySegment x, long xOff, MemorySegment cols, long colsOff) {
        im2col(s, 4, x, xOff, cols, colsOff);
    }

    /** {@link #im2col} for elements of {@code width} bytes (4: F32, 8: F64), padding with zeros. */
    public static void im2col(Conv2dShape s, int width, MemorySegment x, long xOff, MemorySegment cols, long colsOff) {
        im2col(s, width, 0.0, x, xOff, cols, colsOff);
    }

    /**
     * {@link #im2col} with padded positions set to {@code pad} (max pooling pads with -∞ so padding never
     * wins; convolution with 0).
     */
    public static void im2col(Conv2dShape s, int width, double pad, MemorySegment x, long xOff, MemorySegment cols, long colsOff) {
        int c = s.c(), k = s.patchSize();
        if (width == 4 && s.kw() * c < SHORT_RUN && s.windowsInside()) {
            im2colShortRows(s, x, xOff, cols, colsOff);
            return;
        }
        Parallel.forRange((long) s.n() * s.oh(), Math.max(1, Parallel.MIN_ELEMENTS_PER_TASK / Math.max(1, (long) s.ow() * k)), (from, to) -> {
            for (long row = from; row < to; row++) {
                int b = (int) (row / s.oh()), oy = (int) (row % s.oh());
                for (int ox = 0; ox < s.ow(); ox++) {
                    long dst = colsOff + ((row * s.ow()) + ox) * k;
                    int ix0 = s.inputCol(ox, 0);
                    // Without dilation a window row is kw·c contiguous input elements: one copy when it is in bounds.
                    boolean rowInside = s.dw() == 1 && ix0 >= 0 && ix0 + s.kw() <= s.w();
                    for (int ky = 0; ky < s.kh(); ky++) {
                        int iy = s.inputRow(oy, ky);
                        if (rowInside && iy >= 0 && iy < s.h()) {
                            long src = xOff + (((long) b * s.h() + iy) * s.w() + ix0) * c;
                            int run = s.kw() * c;
                            MemorySegment.copy(x, src * width, cols, dst * width, (long) run * width);
                            dst += run;
                            continue;
                        }
                        for (int kx = 0; kx < s.kw(); kx++, dst += c) {
                            int ix = ix0 + kx * s.dw();
                            if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) {
                                if (pad == 0) {
                                    cols.asSlice(dst * width, (long) c * width).fill((byte) 0);
                                } else {
                                    for (int ch = 0; ch < c; ch++) {
                                        if (width == 8) cols.setAtIndex(JAVA_DOUBLE_UNALIGNED, dst + ch, pad);
                                        else cols.setAtIndex(JAVA_FLOAT_UNALIGNED, dst + ch, (float) pad);
                                    }
                                }
                            } else {
                                long src = xOff + (((long) b * s.h() + iy) * s.w() + ix) * c;
                                MemorySegment.copy(x, src * width, cols, dst * width, (long) c * width);
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * F32 im2col for a first layer's few channels with every window inside the image: a window row is only a few
     * floats, where a bulk copy's set-up costs more than the copy, so each output row is assembled in a Java
     * array (the JIT's fast path) from the kh input rows it needs, then written out in one copy.
     */
    private static void im2colShortRows(Conv2dShape s, MemorySegment x, long xOff, MemorySegment cols, long colsOff) {
        int c = s.c(), k = s.patchSize(), rowLen = s.w() * c, run = s.kw() * c;
        Parallel.forRange((long) s.n() * s.oh(), Math.max(1, Parallel.MIN_ELEMENTS_PER_TASK / Math.max(1, (long) s.ow() * k)), (from, to) -> {
            float[] in = new float[s.kh() * rowLen], out = new float[s.ow() * k];
            for (long row = from; row < to; row++) {
                int b = (int) (row / s.oh()), oy = (int) (row % s.oh());
                for (int ky = 0; ky < s.kh(); ky++) {
                    long src = xOff + ((long) b * s.h() + oy * s.sh() + ky) * rowLen;
                    MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, src * 4, in, ky * rowLen, rowLen);
                }
                for (int ox = 0, o = 0; ox < s.ow(); ox++) {
                    for (int ky = 0; ky < s.kh(); ky++) {
                        int i = ky * rowLen + ox * s.sw() * c;
                        for (int j = 0; j < run; j++) out[o++] = in[i + j];
                    }
                }
                MemorySegment.copy(out, 0, cols, JAVA_FLOAT_UNALIGNED, (colsOff + row * s.ow() * k) * 4, out.length);
            }
        });
    }

    /** dx = fold(dcols); images are independent, so the batch is split across cores without races. */
    public static void col2im(Conv2dShape s, MemorySegment dcols, long dcolsOff, MemorySegment dx, long dxOff) {
        col2im(s, false, dcols, dcolsOff, dx, dxOff);
    }

    /** {@link #col2im} in F64 when {@code f64}, else F32. */
    public static void col2im(Conv2dShape s, boolean f64, MemorySegment dcols, long dcolsOff, MemorySegment dx, long dxOff) {
        int c = s.c(), k = s.patchSize(), width = f64 ? 8 : 4;
        long image = (long) s.h() * s.w() * c;
        Parallel.forRange(s.n(), 1, (from, to) -> {
            for (long b = from; b < to; b++) {
                dx.asSlice((dxOff + b * image) * width, image * width).fill((byte) 0);
                for (int oy = 0; oy < s.oh(); oy++) {
                    for (int ox = 0; ox < s.ow(); ox++) {
                        long src = dcolsOff + ((b * s.oh() + oy) * s.ow() + ox) * k;
                        int ix0 = s.inputCol(ox, 0);
                        // Without dilation a window row inside the image is kw·c contiguous elements on both sides.
                        boolean rowInside = s.dw() == 1 && ix0 >= 0 && ix0 + s.kw() <= s.w();
                        for (int ky = 0; ky < s.kh(); ky++) {
                            int iy = s.inputRow(oy, ky);
                            if (rowInside && iy >= 0 && iy < s.h()) {
                                long dst = dxOff + ((b * s.h() + iy) * s.w() + ix0) * c;
                                if (f64) Elementwise.binaryF64(BinaryOp.ADD, dx, dst, dx, dst, dcols, src, s.kw() * c);
                                else addInto(dx, dst, dcols, src, s.kw() * c);
                                src += (long) s.kw() * c;
                                continue;
                            }
                            for (int kx = 0; kx < s.kw(); kx++, src += c) {
                                int ix = ix0 + kx * s.dw();
                                if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                                long dst = dxOff + ((b * s.h() + iy) * s.w() + ix) * c;
                                if (f64) Elementwise.binaryF64(BinaryOp.ADD, dx, dst, dx, dst, dcols, src, c);
                                else addInto(dx, dst, dcols, src, c);
                            }
                        }
                    }
                }
            }
        });
    }

    private static void addInto(MemorySegment dst, long d, MemorySegment src, long s, int n) {
        if (n >= 8) {
            Elementwise.binaryF32(BinaryOp.ADD, dst, d, dst, d, src, s, n);
        } else {
            for (int i = 0; i < n; i++) {
                dst.setAtIndex(JAVA_FLOAT_UNALIGNED, d + i,
                        dst.getAtIndex(JAVA_FLOAT_UNALIGNED, d + i) + src.getAtIndex(JAVA_FLOAT_UNALIGNED, s + i));
            }
        }
    }
}
