package dev.panamax.kernels.conv;

import dev.panamax.kernels.spec.Conv2dShape;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;

/**
 * Max and average pooling over NHWC data ({@link Conv2dShape} with {@code c} channels; {@code f} unused).
 * <pre>
 * maxForward:  y (N, OH, OW, C), argmax (N, OH, OW, C) int32 = flat index into x of the winner (argmax null: y only)
 * maxBackward: dx (N, H, W, C) = Σ dy routed to each argmax (dx overwritten)
 * avgForward / avgBackward: mean over the window's in-bounds pixels (padding is not counted, like Keras)
 * </pre>
 * Each window pixel's C channels are read with one bulk copy into a Java array, where C2 vectorises the work.
 * Max pooling propagates NaN and picks the first of equal maxima. Offsets in elements.
 */
public final class Pool2d {
    private Pool2d() {}

    public static void maxForward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment y, long yOff,
                                  MemorySegment argmax, long aOff) {
        int c = s.c();
        boolean vector = Simd.ENABLED && x.isNative() && y.isNative() && (argmax == null || argmax.isNative())
                && VectorPath.FITS;
        boolean inside = s.windowsInside() && (long) s.n() * s.h() * s.w() * c < Integer.MAX_VALUE;
        long rows = (long) s.n() * s.oh(), grain = Math.max(1, Parallel.MIN_ELEMENTS_PER_TASK / Math.max(1, s.ow() * c));
        if (rows < 2 * grain) {
            maxRows(s, x, xOff, y, yOff, argmax, aOff, vector, inside, 0, rows);  // one task: no lambda to allocate
        } else {
            Parallel.forRange(rows, grain, (from, to) -> maxRows(s, x, xOff, y, yOff, argmax, aOff, vector, inside, from, to));
        }
    }

    /** Output rows [from, to) (an output row: one image, one oy) of {@link #maxForward}. */
    private static void maxRows(Conv2dShape s, MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment argmax,
                                long aOff, boolean vector, boolean inside, long from, long to) {
        int c = s.c();
        Scratch sc = SCRATCH.get();
        float[] best = sc.best = Scratch.fit(sc.best, c), pix = sc.pix = Scratch.fit(sc.pix, c);
        int[] arg = sc.arg = Scratch.fit(sc.arg, c);
        float[] in = vector && inside ? (sc.in = Scratch.fit(sc.in, s.kh() * s.w() * c)) : null;
        float[] outY = in == null ? null : (sc.outY = Scratch.fit(sc.outY, s.ow() * c));
        int[] outA = in == null ? null : (sc.outA = Scratch.fit(sc.outA, s.ow() * c));
        // Without argmax the pixel loops write their winners into a row of scratch, which nothing reads.
        MemorySegment winners = argmax != null ? argmax : in != null ? null : MemorySegment.ofArray(sc.sink = Scratch.fit(sc.sink, s.ow() * c));
        for (long row = from; row < to; row++) {
            int b = (int) (row / s.oh()), oy = (int) (row % s.oh());
            if (in != null) {
                if (argmax == null) Pool2dVector.rowValues(s, x, xOff, b, oy, y, yOff + row * s.ow() * c, in, outY);
                else Pool2dVector.row(s, x, xOff, b, oy, y, yOff + row * s.ow() * c, argmax, aOff + row * s.ow() * c, in, outY, outA);
                continue;
            }
            long rowA = argmax != null ? aOff + row * s.ow() * c : 0;
            for (int ox = 0; ox < s.ow(); ox++) {
                long o = ((row * s.ow()) + ox) * c, a = rowA + (long) ox * c;
                int done = vector ? Pool2dVector.pixel(s, x, xOff, b, oy, ox, y, yOff + o, winners, a) : 0;
                if (done == c) continue;
                maxPixelScalar(s, x, xOff, b, oy, ox, done, best, pix, arg);
                MemorySegment.copy(best, done, y, JAVA_FLOAT_UNALIGNED, (yOff + o + done) * 4, c - done);
                MemorySegment.copy(arg, done, winners, JAVA_INT_UNALIGNED, (a + done) * 4, c - done);
            }
        }
    }

    /**
     * One output row of {@link #maxForward} ({@code yo}, {@code ao}: its first element; {@code arg} null: values only)
     * from its window rows already in {@code in}, laid out as {@code x}'s rows ({@code rowBase}: the flat index of
     * {@code in[0]} in {@code x}, which the winners count from): a convolution with the pooling fused in writes them there.
     * Needs the Vector API's row path: windows inside the input and {@link Pool2dVector#fits}.
     */
    static void maxRowFrom(Conv2dShape s, float[] in, int rowBase, MemorySegment y, long yo, MemorySegment arg, long ao) {
        Scratch sc = SCRATCH.get();
        float[] outY = sc.outY = Scratch.fit(sc.outY, s.ow() * s.c());
        if (arg == null) {
            Pool2dVector.rowValuesFrom(s, in, y, yo, outY);
        } else {
            Pool2dVector.rowFrom(s, in, rowBase, y, yo, arg, ao, outY, sc.outA = Scratch.fit(sc.outA, s.ow() * s.c()));
        }
    }

    /**
     * {@return whether {@code pool} is a 2 × 2, stride-2 max pooling with every window inside the output of the
     * convolution {@code s} (F32, the Vector API's row path): the pooling the convolutions can take into their own
     * output stage ({@link SingleChannelConv#appliesPooled}, {@link WinogradConv#appliesPooled})}
     */
    static boolean fusesTwoByTwo(Conv2dShape s, Conv2dShape pool, int width) {
        return width == 4 && pool != null && pool.kh() == 2 && pool.kw() == 2 && pool.sh() == 2 && pool.sw() == 2 && pool.windowsInside()
                && pool.n() == s.n() && pool.h() == s.oh() && pool.w() == s.ow() && pool.c() == s.f() && VectorPath.FITS;
    }

    /** Per-thread work rows (and the tiled backward's image arrays), grown to the largest shape seen: a warm pooling call allocates nothing. */
    private static final class Scratch {
        float[] best = new float[0], pix = best, in = best, outY = best;
        int[] arg = new int[0], outA = arg, winners = arg, gradient = arg, dxBits = arg, sink = arg;

        static float[] fit(float[] a, int n) {
            return a.length >= n ? a : new float[n];
        }

        static int[] fit(int[] a, int n) {
            return a.length >= n ? a : new int[n];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Keeps the Vector API classes unloaded when the module is absent. */
    private static final class VectorPath {
        static final boolean FITS = Simd.ENABLED && Pool2dVector.fits();
    }

    /** The scalar definition for channels [from, c) of one output pixel, into best/arg. */
    private static void maxPixelScalar(Conv2dShape s, MemorySegment x, long xOff, int b, int oy, int ox, int from,
                                       float[] best, float[] pix, int[] arg) {
        int c = s.c();
        java.util.Arrays.fill(best, 0, c, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(arg, 0, c, -1);
        for (int ky = 0; ky < s.kh(); ky++) {
            int iy = s.inputRow(oy, ky);
            if (iy < 0 || iy >= s.h()) continue;
            for (int kx = 0; kx < s.kw(); kx++) {
                int ix = s.inputCol(ox, kx);
                if (ix < 0 || ix >= s.w()) continue;
                int base = ((b * s.h() + iy) * s.w() + ix) * c;
                MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, (xOff + base) * 4, pix, 0, c);
                for (int ch = from; ch < c; ch++) {
                    float v = pix[ch], cur = best[ch];
                    if (arg[ch] < 0 || v > cur || (v != v && cur == cur)) {
                        best[ch] = v;
                        arg[ch] = base + ch;
                    }
                }
            }
        }
    }

    public static void maxBackward(Conv2dShape s, MemorySegment dy, long dyOff, MemorySegment argmax, long aOff,
                                   MemorySegment dx, long dxOff) {
        long image = (long) s.h() * s.w() * s.c(), outImage = (long) s.oh() * s.ow() * s.c();
        boolean tiled = VectorPath.FITS && dy.isNative() && argmax.isNative() && dx.isNative() && s.c() % Simd.floatLanes() == 0
                && s.sh() == s.kh() && s.sw() == s.kw() && s.windowsInside() && (long) s.n() * image < Integer.MAX_VALUE;
        // Windows of one image only ever write into that image: split the batch, no races.
        Parallel.forRange(s.n(), 1, (from, to) -> {
            Scratch sc = tiled ? SCRATCH.get() : null;
            if (tiled) {
                sc.winners = Scratch.fit(sc.winners, (int) outImage);
                sc.gradient = Scratch.fit(sc.gradient, (int) outImage);
                sc.dxBits = Scratch.fit(sc.dxBits, (int) image);
            }
            for (long b = from; b < to; b++) {
                if (tiled) {
                    Pool2dVector.maxBackwardTiled(s, dy, dyOff, argmax, aOff, dx, dxOff, (int) b, sc.winners, sc.gradient, sc.dxBits);
                    continue;
                }
                dx.asSlice((dxOff + b * image) * 4, image * 4).fill((byte) 0);
                for (long o = b * outImage; o < (b + 1) * outImage; o++) {
                    int at = argmax.getAtIndex(JAVA_INT_UNALIGNED, aOff + o);
                    if (at < 0) continue;
                    long d = dxOff + at;
                    dx.setAtIndex(JAVA_FLOAT_UNALIGNED, d, dx.getAtIndex(JAVA_FLOAT_UNALIGNED, d) + dy.getAtIndex(JAVA_FLOAT_UNALIGNED, dyOff + o));
                }
            }
        });
    }

    public static void avgForward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int c = s.c();
        Parallel.forRange((long) s.n() * s.oh(), Math.max(1, Parallel.MIN_ELEMENTS_PER_TASK / Math.max(1, s.ow() * c)), (from, to) -> {
            float[] acc = new float[c], pix = new float[c];
            for (long row = from; row < to; row++) {
                int b = (int) (row / s.oh()), oy = (int) (row % s.oh());
                for (int ox = 0; ox < s.ow(); ox++) {
                    java.util.Arrays.fill(acc, 0f);
                    int count = 0;
                    for (int ky = 0; ky < s.kh(); ky++) {
                        int iy = s.inputRow(oy, ky);
                        if (iy < 0 || iy >= s.h()) continue;
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int ix = s.inputCol(ox, kx);
                            if (ix < 0 || ix >= s.w()) continue;
                            MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, (xOff + ((long) (b * s.h() + iy) * s.w() + ix) * c) * 4, pix, 0, c);
                            for (int ch = 0; ch < c; ch++) acc[ch] += pix[ch];
                            count++;
                        }
                    }
                    float inv = 1f / Math.max(1, count);
                    for (int ch = 0; ch < c; ch++) acc[ch] *= inv;
                    MemorySegment.copy(acc, 0, y, JAVA_FLOAT_UNALIGNED, (yOff + ((row * s.ow()) + ox) * c) * 4, c);
                }
            }
        });
    }

    public static void avgBackward(Conv2dShape s, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff) {
        int c = s.c();
        long image = (long) s.h() * s.w() * c;
        Parallel.forRange(s.n(), 1, (from, to) -> {
            float[] g = new float[c], pix = new float[c];
            for (long b = from; b < to; b++) {
                dx.asSlice((dxOff + b * image) * 4, image * 4).fill((byte) 0);
                for (int oy = 0; oy < s.oh(); oy++) {
                    for (int ox = 0; ox < s.ow(); ox++) {
                        int count = 0;
                        for (int ky = 0; ky < s.kh(); ky++) {
                            int iy = s.inputRow(oy, ky);
                            for (int kx = 0; kx < s.kw(); kx++) {
                                int ix = s.inputCol(ox, kx);
                                if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) count++;
                            }
                        }
                        MemorySegment.copy(dy, JAVA_FLOAT_UNALIGNED, (dyOff + ((b * s.oh() + oy) * s.ow() + ox) * c) * 4, g, 0, c);
                        float inv = 1f / Math.max(1, count);
                        for (int ky = 0; ky < s.kh(); ky++) {
                            int iy = s.inputRow(oy, ky);
                            if (iy < 0 || iy >= s.h()) continue;
                            for (int kx = 0; kx < s.kw(); kx++) {
                                int ix = s.inputCol(ox, kx);
                                if (ix < 0 || ix >= s.w()) continue;
                                long at = (dxOff + ((b * s.h() + iy) * s.w() + ix) * c) * 4;
                                MemorySegment.copy(dx, JAVA_FLOAT_UNALIGNED, at, pix, 0, c);
                                for (int ch = 0; ch < c; ch++) pix[ch] += g[ch] * inv;
                                MemorySegment.copy(pix, 0, dx, JAVA_FLOAT_UNALIGNED, at, c);
                            }
                        }
                    }
                }
            }
        });
    }
}
