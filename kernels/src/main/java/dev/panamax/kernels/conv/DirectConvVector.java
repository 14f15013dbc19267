package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct F32 convolution over NHWC for inputs with several channels (an implicit GEMM): no patch matrix and
 * no packing. Forward, and the weight gradient with its own 16-accumulator loop below. The block's images are copied
 * once into a {@link PaddedBlock}; then four
 * neighbouring output pixels times four vectors of output channels (16 accumulators, 64 channels with 16 lanes)
 * take, for every window tap and input channel, four kernel vectors and four broadcast inputs: 16 multiply-adds for
 * 8 loads, with the kernel read in its own (KH, KW, C, F) layout. Output channels beyond the last group of four
 * vectors go one vector at a time; {@code f} must be a multiple of the lane count ({@link DirectConv#applies}).
 * Loaded only when the Vector API is on.
 */
final class DirectConvVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int PIXELS = 4;

    private DirectConvVector() {}

    /** {@code y (N, OH, OW, F) = conv(x (N, H, W, C), k (KH, KW, C, F))}, overwritten. */
    static void forward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment k, long kOff, MemorySegment y, long yOff) {
        PaddedBlock in = PaddedBlock.of(s, x, xOff, PIXELS);
        int f = s.f(), ow = s.ow(), c = s.c(), step = s.sw() * c, wide = f - f % (4 * L);
        for (int b = 0; b < s.n(); b++) {
            for (int oy = 0; oy < s.oh(); oy++) {
                for (int ox0 = 0; ox0 < ow; ox0 += PIXELS) {
                    int count = Math.min(PIXELS, ow - ox0);
                    int base = in.base(s, b, oy, ox0);
                    long out = yOff + (((long) b * s.oh() + oy) * ow + ox0) * f;
                    for (int f0 = 0; f0 < wide; f0 += 4 * L) fourByFour(s, in, base, step, k, kOff + f0, y, out + f0, count);
                    for (int f0 = wide; f0 < f; f0 += L) fourByOne(s, in, base, step, k, kOff + f0, y, out + f0, count);
                }
            }
        }
    }

    /**
     * The weight gradient {@code dk[ky, kx, c, o] = Σ_pixels x[pixel's tap (ky, kx), c] · g[pixel, o]} ({@code + dk}
     * when {@code accumulate}) from the output gradient {@code g (N, OH, OW, F)}: per tap, four input channels × four
     * vectors of output channels in 16 accumulators over every pixel. {@code c} a multiple of 4, {@code f} of 4 lanes.
     */
    /** Each thread's copy of a block's output gradient, kept from one call to the next. */
    private static final ThreadFloats GRADIENT = new ThreadFloats(1, 1 << 20);

    static void weightGradient(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, MemorySegment dk, long dkOff,
                               boolean accumulate) {
        PaddedBlock in = PaddedBlock.of(s, x, xOff, PIXELS);
        int c = s.c(), f = s.f(), pixels = s.n() * s.oh() * s.ow();
        // The gradient block as an array and each pixel's window start, once: the sums below then run one flat loop
        // over the pixels with array loads only.
        float[] gt = GRADIENT.atLeast(0, pixels * f);
        MemorySegment.copy(g, JAVA_FLOAT_UNALIGNED, gOff << 2, gt, 0, pixels * f);
        int[] base = new int[pixels];
        for (int b = 0, p = 0; b < s.n(); b++) {
            for (int oy = 0; oy < s.oh(); oy++) {
                for (int ox = 0; ox < s.ow(); ox++) base[p++] = in.base(s, b, oy, ox);
            }
        }
        for (int ky = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++) {
                int tapOffset = in.tapOffset(s, ky, kx);
                long tapAt = dkOff + (long) (ky * s.kw() + kx) * c * f;
                for (int c0 = 0; c0 < c; c0 += 4) {
                    for (int f0 = 0; f0 < f; f0 += 4 * L) fourByFourSums(in.values(), base, tapOffset + c0, gt, f0, f, dk, tapAt + (long) c0 * f + f0, accumulate);
                }
            }
        }
    }

    /** Four input channels (from {@code offset} in each pixel's window) × four vectors of output channels, summed over the pixels. */
    private static void fourByFourSums(float[] v, int[] base, int offset, float[] gt, int f0, int f, MemorySegment dk, long at,
                                       boolean accumulate) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int p = 0, gi = f0; p < base.length; p++, gi += f) {
            int xo = base[p] + offset;
            FloatVector g0 = FloatVector.fromArray(F, gt, gi);
            FloatVector g1 = FloatVector.fromArray(F, gt, gi + L);
            FloatVector g2 = FloatVector.fromArray(F, gt, gi + 2 * L);
            FloatVector g3 = FloatVector.fromArray(F, gt, gi + 3 * L);
            FloatVector b0 = FloatVector.broadcast(F, v[xo]);
            a00 = g0.fma(b0, a00);
            a01 = g1.fma(b0, a01);
            a02 = g2.fma(b0, a02);
            a03 = g3.fma(b0, a03);
            FloatVector b1 = FloatVector.broadcast(F, v[xo + 1]);
            a10 = g0.fma(b1, a10);
            a11 = g1.fma(b1, a11);
            a12 = g2.fma(b1, a12);
            a13 = g3.fma(b1, a13);
            FloatVector b2 = FloatVector.broadcast(F, v[xo + 2]);
            a20 = g0.fma(b2, a20);
            a21 = g1.fma(b2, a21);
            a22 = g2.fma(b2, a22);
            a23 = g3.fma(b2, a23);
            FloatVector b3 = FloatVector.broadcast(F, v[xo + 3]);
            a30 = g0.fma(b3, a30);
            a31 = g1.fma(b3, a31);
            a32 = g2.fma(b3, a32);
            a33 = g3.fma(b3, a33);
        }
        long o = at << 2, row = 4L * f;
        if (accumulate) {
            a00 = a00.add(FloatVector.fromMemorySegment(F, dk, o, ORDER));
            a01 = a01.add(FloatVector.fromMemorySegment(F, dk, o + 4L * L, ORDER));
            a02 = a02.add(FloatVector.fromMemorySegment(F, dk, o + 8L * L, ORDER));
            a03 = a03.add(FloatVector.fromMemorySegment(F, dk, o + 12L * L, ORDER));
            a10 = a10.add(FloatVector.fromMemorySegment(F, dk, o + row, ORDER));
            a11 = a11.add(FloatVector.fromMemorySegment(F, dk, o + row + 4L * L, ORDER));
            a12 = a12.add(FloatVector.fromMemorySegment(F, dk, o + row + 8L * L, ORDER));
            a13 = a13.add(FloatVector.fromMemorySegment(F, dk, o + row + 12L * L, ORDER));
            a20 = a20.add(FloatVector.fromMemorySegment(F, dk, o + 2 * row, ORDER));
            a21 = a21.add(FloatVector.fromMemorySegment(F, dk, o + 2 * row + 4L * L, ORDER));
            a22 = a22.add(FloatVector.fromMemorySegment(F, dk, o + 2 * row + 8L * L, ORDER));
            a23 = a23.add(FloatVector.fromMemorySegment(F, dk, o + 2 * row + 12L * L, ORDER));
            a30 = a30.add(FloatVector.fromMemorySegment(F, dk, o + 3 * row, ORDER));
            a31 = a31.add(FloatVector.fromMemorySegment(F, dk, o + 3 * row + 4L * L, ORDER));
            a32 = a32.add(FloatVector.fromMemorySegment(F, dk, o + 3 * row + 8L * L, ORDER));
            a33 = a33.add(FloatVector.fromMemorySegment(F, dk, o + 3 * row + 12L * L, ORDER));
        }
        a00.intoMemorySegment(dk, o, ORDER);
        a01.intoMemorySegment(dk, o + 4L * L, ORDER);
        a02.intoMemorySegment(dk, o + 8L * L, ORDER);
        a03.intoMemorySegment(dk, o + 12L * L, ORDER);
        a10.intoMemorySegment(dk, o + row, ORDER);
        a11.intoMemorySegment(dk, o + row + 4L * L, ORDER);
        a12.intoMemorySegment(dk, o + row + 8L * L, ORDER);
        a13.intoMemorySegment(dk, o + row + 12L * L, ORDER);
        a20.intoMemorySegment(dk, o + 2 * row, ORDER);
        a21.intoMemorySegment(dk, o + 2 * row + 4L * L, ORDER);
        a22.intoMemorySegment(dk, o + 2 * row + 8L * L, ORDER);
        a23.intoMemorySegment(dk, o + 2 * row + 12L * L, ORDER);
        a30.intoMemorySegment(dk, o + 3 * row, ORDER);
        a31.intoMemorySegment(dk, o + 3 * row + 4L * L, ORDER);
        a32.intoMemorySegment(dk, o + 3 * row + 8L * L, ORDER);
        a33.intoMemorySegment(dk, o + 3 * row + 12L * L, ORDER);
    }

    /** Four pixels × four vectors of channels starting at {@code kAt}'s column. */
    private static void fourByFour(Conv2dShape s, PaddedBlock in, int base, int step, MemorySegment k, long kAt, MemorySegment y, long out,
                                   int count) {
        float[] v = in.values();
        int c = s.c(), f = s.f();
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int ky = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++) {
                int xo = base + in.tapOffset(s, ky, kx);
                long ko = (kAt + (long) (ky * s.kw() + kx) * c * f) << 2;
                for (int ch = 0; ch < c; ch++, xo++, ko += 4L * f) {
                    FloatVector k0 = FloatVector.fromMemorySegment(F, k, ko, ORDER);
                    FloatVector k1 = FloatVector.fromMemorySegment(F, k, ko + 4L * L, ORDER);
                    FloatVector k2 = FloatVector.fromMemorySegment(F, k, ko + 8L * L, ORDER);
                    FloatVector k3 = FloatVector.fromMemorySegment(F, k, ko + 12L * L, ORDER);
                    FloatVector b0 = FloatVector.broadcast(F, v[xo]);
                    a00 = k0.fma(b0, a00);
                    a01 = k1.fma(b0, a01);
                    a02 = k2.fma(b0, a02);
                    a03 = k3.fma(b0, a03);
                    FloatVector b1 = FloatVector.broadcast(F, v[xo + step]);
                    a10 = k0.fma(b1, a10);
                    a11 = k1.fma(b1, a11);
                    a12 = k2.fma(b1, a12);
                    a13 = k3.fma(b1, a13);
                    FloatVector b2 = FloatVector.broadcast(F, v[xo + 2 * step]);
                    a20 = k0.fma(b2, a20);
                    a21 = k1.fma(b2, a21);
                    a22 = k2.fma(b2, a22);
                    a23 = k3.fma(b2, a23);
                    FloatVector b3 = FloatVector.broadcast(F, v[xo + 3 * step]);
                    a30 = k0.fma(b3, a30);
                    a31 = k1.fma(b3, a31);
                    a32 = k2.fma(b3, a32);
                    a33 = k3.fma(b3, a33);
                }
            }
        }
        long o = out << 2, row = 4L * f;
        a00.intoMemorySegment(y, o, ORDER);
        a01.intoMemorySegment(y, o + 4L * L, ORDER);
        a02.intoMemorySegment(y, o + 8L * L, ORDER);
        a03.intoMemorySegment(y, o + 12L * L, ORDER);
        if (count > 1) {
            a10.intoMemorySegment(y, o + row, ORDER);
            a11.intoMemorySegment(y, o + row + 4L * L, ORDER);
            a12.intoMemorySegment(y, o + row + 8L * L, ORDER);
            a13.intoMemorySegment(y, o + row + 12L * L, ORDER);
        }
        if (count > 2) {
            a20.intoMemorySegment(y, o + 2 * row, ORDER);
            a21.intoMemorySegment(y, o + 2 * row + 4L * L, ORDER);
            a22.intoMemorySegment(y, o + 2 * row + 8L * L, ORDER);
            a23.intoMemorySegment(y, o + 2 * row + 12L * L, ORDER);
        }
        if (count > 3) {
            a30.intoMemorySegment(y, o + 3 * row, ORDER);
            a31.intoMemorySegment(y, o + 3 * row + 4L * L, ORDER);
            a32.intoMemorySegment(y, o + 3 * row + 8L * L, ORDER);
            a33.intoMemorySegment(y, o + 3 * row + 12L * L, ORDER);
        }
    }

    /** Four pixels × one vector of channels starting at {@code kAt}'s column. */
    private static void fourByOne(Conv2dShape s, PaddedBlock in, int base, int step, MemorySegment k, long kAt, MemorySegment y, long out,
                                  int count) {
        float[] v = in.values();
        int c = s.c(), f = s.f();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int ky = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++) {
                int xo = base + in.tapOffset(s, ky, kx);
                long ko = (kAt + (long) (ky * s.kw() + kx) * c * f) << 2;
                for (int ch = 0; ch < c; ch++, xo++, ko += 4L * f) {
                    FloatVector kv = FloatVector.fromMemorySegment(F, k, ko, ORDER);
                    a0 = kv.fma(FloatVector.broadcast(F, v[xo]), a0);
                    a1 = kv.fma(FloatVector.broadcast(F, v[xo + step]), a1);
                    a2 = kv.fma(FloatVector.broadcast(F, v[xo + 2 * step]), a2);
                    a3 = kv.fma(FloatVector.broadcast(F, v[xo + 3 * step]), a3);
                }
            }
        }
        long o = out << 2, row = 4L * f;
        a0.intoMemorySegment(y, o, ORDER);
        if (count > 1) a1.intoMemorySegment(y, o + row, ORDER);
        if (count > 2) a2.intoMemorySegment(y, o + 2 * row, ORDER);
        if (count > 3) a3.intoMemorySegment(y, o + 3 * row, ORDER);
    }
}
