package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

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
 * broadcast multiply-adds into vectors of channels, four pixels at a time, and the weight gradient keeps four taps'
 * sums in registers while it streams the output gradient once per four taps.
 * Channels beyond the last whole vector run through scalar loops of the same order. Offsets are in elements; every
 * window tap in the padding reads 0. Loaded only when the Vector API is on.
 */
final class SingleChannelConvVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Output pixels per pass over the kernel taps: four accumulators per vector of channels. */
    private static final int PIXELS = 4;

    private SingleChannelConvVector() {}

    /** The offset of every window tap from a window's start, in tap order. */
    private static int[] tapOffsets(Conv2dShape s, PaddedBlock in) {
        int[] offsets = new int[s.kh() * s.kw()];
        for (int ky = 0, t = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++, t++) offsets[t] = in.tapOffset(s, ky, kx);
        }
        return offsets;
    }

    /** {@code y (N, OH, OW, F) = conv(x (N, H, W, 1), k (KH, KW, 1, F))}, overwritten. */
    static void forward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment k, long kOff, MemorySegment y, long yOff) {
        int f = s.f(), body = f - f % L, ow = s.ow(), sw = s.sw();
        PaddedBlock in = PaddedBlock.of(s, x, xOff, PIXELS);
        float[] v = in.values();
        int[] offsets = tapOffsets(s, in);
        for (int b = 0; b < s.n(); b++) {
            for (int oy = 0; oy < s.oh(); oy++) {
                for (int ox0 = 0; ox0 < ow; ox0 += PIXELS) {
                    int count = Math.min(PIXELS, ow - ox0), base = in.base(s, b, oy, ox0);
                    long out = yOff + (((long) b * s.oh() + oy) * ow + ox0) * f;
                    for (int c = 0; c < body; c += L) fourPixels(v, base, sw, offsets, k, kOff + c, f, y, out + c, count);
                    for (int c = body; c < f; c++) {
                        for (int p = 0; p < count; p++) {
                            float acc = 0f;
                            for (int t = 0; t < offsets.length; t++) {
                                acc += v[base + p * sw + offsets[t]] * k.getAtIndex(JAVA_FLOAT_UNALIGNED, kOff + (long) t * f + c);
                            }
                            y.setAtIndex(JAVA_FLOAT_UNALIGNED, out + (long) p * f + c, acc);
                        }
                    }
                }
            }
        }
    }

    /** One vector of channels of {@code count} (at most four) neighbouring pixels; the window's taps one kernel load each. */
    private static void fourPixels(float[] v, int base, int sw, int[] offsets, MemorySegment k, long kAt, int f, MemorySegment y, long out,
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
        a0.intoMemorySegment(y, out << 2, ORDER);
        if (count > 1) a1.intoMemorySegment(y, (out + f) << 2, ORDER);
        if (count > 2) a2.intoMemorySegment(y, (out + 2L * f) << 2, ORDER);
        if (count > 3) a3.intoMemorySegment(y, (out + 3L * f) << 2, ORDER);
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
            for (int c = 0; c < body; c += L) fourTaps(s, in, offsets, g, gOff + c, dk, dkOff + c, t0, group, accumulate);
            for (int c = body; c < f; c++) {
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

    /** Four calls per group of taps, outside the pixel loop: a boxed vector here would cost nothing that shows. */
    private static void store(FloatVector v, MemorySegment dk, long at, boolean accumulate) {
        if (accumulate) v = v.add(FloatVector.fromMemorySegment(F, dk, at << 2, ORDER));
        v.intoMemorySegment(dk, at << 2, ORDER);
    }
}
