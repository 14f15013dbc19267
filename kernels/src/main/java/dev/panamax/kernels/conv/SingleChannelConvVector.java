package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct F32 convolution of a one-channel input (a grey image: the MNIST CNN's first layer), NHWC, vectorised over the
 * output channels. As im2col + GEMM it is a product with an inner dimension of only {@code kh·kw} (9): the patch
 * matrix is written and packed for nine multiply-adds per value, and the weight gradient is a GEMM with nine rows.
 * Here the block's images are copied once into a {@link PaddedBlock}; each output pixel is then {@code kh·kw}
 * broadcast multiply-adds into vectors of channels, four pixels × two vectors at a time (one vector where one is left),
 * and the weight gradient keeps four taps' sums of two vectors in registers while it streams the output gradient once
 * per four taps.
 * Channels beyond the last whole vector run through scalar loops of the same order. Offsets are in elements; every
 * window tap in the padding reads 0. Loaded only when the Vector API is on.
 */
final class SingleChannelConvVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Output pixels per pass over the kernel taps: four accumulators per vector of channels. */
    static final int PIXELS = 4;
    /** Output rows a thread takes at least when a block's rows are split (an MNIST image's 26 go as two halves). */
    private static final int ROWS_PER_TASK = 8;

    private SingleChannelConvVector() {}

    /** The offset of every window tap from a window's start, in tap order. */
    static int[] tapOffsets(Conv2dShape s, PaddedBlock in) {
        int[] offsets = new int[s.kh() * s.kw()];
        for (int ky = 0, t = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++, t++) offsets[t] = in.tapOffset(s, ky, kx);
        }
        return offsets;
    }

    /** {@code y (N, OH, OW, F) = conv(x (N, H, W, 1), k (KH, KW, 1, F))}, overwritten. */
    static void forward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment k, long kOff, MemorySegment y, long yOff) {
        int rowLength = s.ow() * s.f();
        PaddedBlock in = PaddedBlock.of(s, x, xOff, PIXELS);
        int[] offsets = tapOffsets(s, in);
        // Output rows split over the threads when this block is all the work (a single image; inside a batch's parallel
        // region this runs on its thread alone); each row is computed the same way wherever it runs.
        Parallel.forRange((long) s.n() * s.oh(), ROWS_PER_TASK, (r0, r1) -> {
            float[] row = ROWS.atLeast(0, rowLength);
            for (long r = r0; r < r1; r++) {
                outputRow(s, in, offsets, k, kOff, (int) (r / s.oh()), (int) (r % s.oh()), row, 0);
                MemorySegment.copy(row, 0, y, JAVA_FLOAT_UNALIGNED, (yOff + r * rowLength) << 2, rowLength);
            }
        });
    }

    /** Each thread's output rows: written by the kernels below as an array, where a store needs no segment checks. */
    static final ThreadFloats ROWS = new ThreadFloats(1, Integer.MAX_VALUE);

    /** Output row {@code oy} of image {@code b}, all channels, into {@code out} from {@code at}. */
    static void outputRow(Conv2dShape s, PaddedBlock in, int[] offsets, MemorySegment k, long kOff, int b, int oy, float[] out, int at) {
        int f = s.f(), body = f - f % L, ow = s.ow(), sw = s.sw();
        float[] v = in.values();
        for (int ox0 = 0; ox0 < ow; ox0 += PIXELS) {
            int count = Math.min(PIXELS, ow - ox0), base = in.base(s, b, oy, ox0), o = at + ox0 * f;
            int c = 0;
            for (; c + 2 * L <= body; c += 2 * L) fourPixelsTwoVectors(v, base, sw, offsets, k, kOff + c, f, out, o + c, count);
            for (; c < body; c += L) fourPixels(v, base, sw, offsets, k, kOff + c, f, out, o + c, count);
            for (c = body; c < f; c++) {
                for (int p = 0; p < count; p++) {
                    float acc = 0f;
                    for (int t = 0; t < offsets.length; t++) {
                        acc += v[base + p * sw + offsets[t]] * k.getAtIndex(JAVA_FLOAT_UNALIGNED, kOff + (long) t * f + c);
                    }
                    out[o + p * f + c] = acc;
                }
            }
        }
    }

    /** Two vectors of channels of {@code count} (at most four) neighbouring pixels: two kernel loads for eight multiply-adds a tap. */
    private static void fourPixelsTwoVectors(float[] v, int base, int sw, int[] offsets, MemorySegment k, long kAt, int f, float[] y,
                                             int out, int count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int t = 0; t < offsets.length; t++) {
            long at = (kAt + (long) t * f) << 2;
            FloatVector k0 = FloatVector.fromMemorySegment(F, k, at, ORDER), k1 = FloatVector.fromMemorySegment(F, k, at + 4L * L, ORDER);
            int o = base + offsets[t];
            FloatVector x = FloatVector.broadcast(F, v[o]);
            a0 = k0.fma(x, a0);
            b0 = k1.fma(x, b0);
            x = FloatVector.broadcast(F, v[o + sw]);
            a1 = k0.fma(x, a1);
            b1 = k1.fma(x, b1);
            x = FloatVector.broadcast(F, v[o + 2 * sw]);
            a2 = k0.fma(x, a2);
            b2 = k1.fma(x, b2);
            x = FloatVector.broadcast(F, v[o + 3 * sw]);
            a3 = k0.fma(x, a3);
            b3 = k1.fma(x, b3);
        }
        a0.intoArray(y, out);
        b0.intoArray(y, out + L);
        if (count > 1) {
            a1.intoArray(y, out + f);
            b1.intoArray(y, out + f + L);
        }
        if (count > 2) {
            a2.intoArray(y, out + 2 * f);
            b2.intoArray(y, out + 2 * f + L);
        }
        if (count > 3) {
            a3.intoArray(y, out + 3 * f);
            b3.intoArray(y, out + 3 * f + L);
        }
    }

    /** One vector of channels of {@code count} (at most four) neighbouring pixels; the window's taps one kernel load each. */
    private static void fourPixels(float[] v, int base, int sw, int[] offsets, MemorySegment k, long kAt, int f, float[] y, int out,
                                   int count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int t = 0; t < offsets.length; t++) {
            FloatVector kv = FloatVector.fromMemorySegment(F, k, (kAt + (long) t * f) << 2, ORDER);
            int o = base + offsets[t];
            a0 = kv.fma(FloatVector.broadcast(F, v[o]), a0);
            a1 = kv.fma(FloatVector.broadcast(F, v[o + sw]), a1);
            a2 = kv.fma(FloatVector.broadcast(F, v[o + 2 * sw]), a2);
            a3 = kv.fma(FloatVector.broadcast(F, v[o + 3 * sw]), a3);
        }
        a0.intoArray(y, out);
        if (count > 1) a1.intoArray(y, out + f);
        if (count > 2) a2.intoArray(y, out + 2 * f);
        if (count > 3) a3.intoArray(y, out + 3 * f);
    }

    /**
     * The weight gradient {@code dk[t, c] = Σ_pixels tap_t(pixel) · g[pixel, c]} ({@code + dk} when {@code accumulate}),
     * from the output gradient {@code g (N, OH, OW, F)}; {@code dk} is {@code (KH, KW, 1, F)}.
     */
    static void weightGradient(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, MemorySegment dk, long dkOff,
                               boolean accumulate) {
        int f = s.f(), taps = s.kh() * s.kw(), body = f - f % L;
        PaddedBlock in = PaddedBlock.of(s, x, xOff, PIXELS);
        int[] offsets = tapOffsets(s, in);
        for (int t0 = 0; t0 < taps; t0 += PIXELS) {
            int group = Math.min(PIXELS, taps - t0);
            int c = 0;
            for (; c + 2 * L <= body; c += 2 * L) fourTapsTwoVectors(s, in, offsets, g, gOff + c, dk, dkOff + c, t0, group, accumulate);
            for (; c < body; c += L) fourTaps(s, in, offsets, g, gOff + c, dk, dkOff + c, t0, group, accumulate);
            for (c = body; c < f; c++) {
                for (int t = t0; t < t0 + group; t++) {
                    float acc = 0f;
                    long pixel = 0;
                    for (int b = 0; b < s.n(); b++) {
                        for (int oy = 0; oy < s.oh(); oy++) {
                            for (int ox = 0; ox < s.ow(); ox++, pixel++) {
                                acc += in.values()[in.base(s, b, oy, ox) + offsets[t]] * g.getAtIndex(JAVA_FLOAT_UNALIGNED, gOff + pixel * f + c);
                            }
                        }
                    }
                    long at = dkOff + (long) t * f + c;
                    dk.setAtIndex(JAVA_FLOAT_UNALIGNED, at, accumulate ? dk.getAtIndex(JAVA_FLOAT_UNALIGNED, at) + acc : acc);
                }
            }
        }
    }

    /** Taps {@code [t0, t0 + group)} (at most four) of one vector of channels, over every pixel. */
    private static void fourTaps(Conv2dShape s, PaddedBlock in, int[] offsets, MemorySegment g, long gAt, MemorySegment dk, long dkAt,
                                 int t0, int group, boolean accumulate) {
        int f = s.f(), sw = s.sw();
        float[] v = in.values();
        // Taps past the group read tap t0's value into an accumulator that is never stored.
        int o0 = offsets[t0], o1 = offsets[t0 + Math.min(1, group - 1)], o2 = offsets[t0 + Math.min(2, group - 1)];
        int o3 = offsets[t0 + Math.min(3, group - 1)];
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long pixel = 0;
        for (int b = 0; b < s.n(); b++) {
            for (int oy = 0; oy < s.oh(); oy++) {
                int base = in.base(s, b, oy, 0);
                for (int ox = 0; ox < s.ow(); ox++, pixel++, base += sw) {
                    FloatVector gv = FloatVector.fromMemorySegment(F, g, (gAt + pixel * f) << 2, ORDER);
                    a0 = gv.fma(FloatVector.broadcast(F, v[base + o0]), a0);
                    a1 = gv.fma(FloatVector.broadcast(F, v[base + o1]), a1);
                    a2 = gv.fma(FloatVector.broadcast(F, v[base + o2]), a2);
                    a3 = gv.fma(FloatVector.broadcast(F, v[base + o3]), a3);
                }
            }
        }
        store(a0, dk, dkAt + (long) t0 * f, accumulate);
        if (group > 1) store(a1, dk, dkAt + (long) (t0 + 1) * f, accumulate);
        if (group > 2) store(a2, dk, dkAt + (long) (t0 + 2) * f, accumulate);
        if (group > 3) store(a3, dk, dkAt + (long) (t0 + 3) * f, accumulate);
    }

    /** {@link #fourTaps} on two vectors of channels: two gradient loads for eight multiply-adds a pixel. */
    private static void fourTapsTwoVectors(Conv2dShape s, PaddedBlock in, int[] offsets, MemorySegment g, long gAt, MemorySegment dk, long dkAt,
                                           int t0, int group, boolean accumulate) {
        int f = s.f(), sw = s.sw();
        float[] v = in.values();
        int o0 = offsets[t0], o1 = offsets[t0 + Math.min(1, group - 1)], o2 = offsets[t0 + Math.min(2, group - 1)];
        int o3 = offsets[t0 + Math.min(3, group - 1)];
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        long pixel = 0;
        for (int b = 0; b < s.n(); b++) {
            for (int oy = 0; oy < s.oh(); oy++) {
                int base = in.base(s, b, oy, 0);
                for (int ox = 0; ox < s.ow(); ox++, pixel++, base += sw) {
                    long at = (gAt + pixel * f) << 2;
                    FloatVector g0 = FloatVector.fromMemorySegment(F, g, at, ORDER), g1 = FloatVector.fromMemorySegment(F, g, at + 4L * L, ORDER);
                    FloatVector x = FloatVector.broadcast(F, v[base + o0]);
                    a0 = g0.fma(x, a0);
                    b0 = g1.fma(x, b0);
                    x = FloatVector.broadcast(F, v[base + o1]);
                    a1 = g0.fma(x, a1);
                    b1 = g1.fma(x, b1);
                    x = FloatVector.broadcast(F, v[base + o2]);
                    a2 = g0.fma(x, a2);
                    b2 = g1.fma(x, b2);
                    x = FloatVector.broadcast(F, v[base + o3]);
                    a3 = g0.fma(x, a3);
                    b3 = g1.fma(x, b3);
                }
            }
        }
        store(a0, dk, dkAt + (long) t0 * f, accumulate);
        store(b0, dk, dkAt + (long) t0 * f + L, accumulate);
        if (group > 1) {
            store(a1, dk, dkAt + (long) (t0 + 1) * f, accumulate);
            store(b1, dk, dkAt + (long) (t0 + 1) * f + L, accumulate);
        }
        if (group > 2) {
            store(a2, dk, dkAt + (long) (t0 + 2) * f, accumulate);
            store(b2, dk, dkAt + (long) (t0 + 2) * f + L, accumulate);
        }
        if (group > 3) {
            store(a3, dk, dkAt + (long) (t0 + 3) * f, accumulate);
            store(b3, dk, dkAt + (long) (t0 + 3) * f + L, accumulate);
        }
    }

    /** Four calls per group of taps, outside the pixel loop: a boxed vector here would cost nothing that shows. */
    static void store(FloatVector v, MemorySegment dk, long at, boolean accumulate) {
        if (accumulate) v = v.add(FloatVector.fromMemorySegment(F, dk, at << 2, ORDER));
        v.intoMemorySegment(dk, at << 2, ORDER);
    }
}
