package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The F32 input gradient of a convolution as a scatter, {@code dx[pixel's tap (ky, kx), c] += Σ_o g[pixel, o] ·
 * k[ky, kx, c, o]}: eight output pixels (consecutive in the block, rows and images running on) times two vectors of input
 * channels (16 accumulators, 32 channels with 16 lanes) take, for every tap and output channel, two vectors of the
 * transposed kernel and eight broadcast gradients; each tap's sums are then added into a zero {@link PaddedBlock}, which
 * the images are cropped out of at the end. No patch matrix, no packing, and none of the multiply-adds on zeros that
 * the same sum as a forward pass over the padded gradient with the kernel flipped would do. Loaded only when the
 * Vector API is on; {@code c} must be a multiple of the lane count ({@link DirectConv#appliesToInputGradient}).
 */
final class InputGradientVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    private static final int PIXELS = 8;

    private InputGradientVector() {}

    /** {@code dx (N, H, W, C)}, overwritten, from {@code g (N, OH, OW, F)} and the kernel as (KH, KW, F, C) in {@code kt}. */
    static void inputGradient(Conv2dShape s, MemorySegment g, long gOff, float[] kt, MemorySegment dx, long dxOff) {
        PaddedBlock out = PaddedBlock.zeros(s);
        int f = s.f(), c = s.c(), taps = s.kh() * s.kw(), pixels = s.n() * s.oh() * s.ow(), pairs = c - c % (2 * L);
        float[] gt = new float[PIXELS * f];
        int[] base = new int[PIXELS];
        for (int p0 = 0; p0 < pixels; p0 += PIXELS) {
            int count = Math.min(PIXELS, pixels - p0);
            MemorySegment.copy(g, JAVA_FLOAT_UNALIGNED, (gOff + (long) p0 * f) << 2, gt, 0, count * f);
            for (int p = 0; p < count; p++) {
                int q = p0 + p, ox = q % s.ow(), oy = q / s.ow() % s.oh(), b = q / (s.ow() * s.oh());
                base[p] = out.base(s, b, oy, ox);
            }
            for (int t = 0; t < taps; t++) {
                int tapOffset = out.tapOffset(s, t / s.kw(), t % s.kw()), kAt = t * f * c;
                if (count < PIXELS) {
                    for (int c0 = 0; c0 < c; c0 += L) onePixelAtATime(out, base, tapOffset + c0, gt, f, count, kt, kAt + c0, c);
                    continue;
                }
                for (int c0 = 0; c0 < pairs; c0 += 2 * L) eightByTwo(out, base, tapOffset + c0, gt, f, kt, kAt + c0, c);
                for (int c0 = pairs; c0 < c; c0 += L) onePixelAtATime(out, base, tapOffset + c0, gt, f, count, kt, kAt + c0, c);
            }
        }
        out.cropInto(s, dx, dxOff);
    }

    /** Eight pixels × two vectors of input channels for one tap, added at {@code base[p] + offset}. */
    private static void eightByTwo(PaddedBlock out, int[] base, int offset, float[] gt, int f, float[] kt, int kAt, int c) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FloatVector a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
        for (int o = 0, ko = kAt; o < f; o++, ko += c) {
            FloatVector k0 = FloatVector.fromArray(F, kt, ko);
            FloatVector k1 = FloatVector.fromArray(F, kt, ko + L);
            FloatVector b = FloatVector.broadcast(F, gt[o]);
            a00 = k0.fma(b, a00);
            a01 = k1.fma(b, a01);
            b = FloatVector.broadcast(F, gt[f + o]);
            a10 = k0.fma(b, a10);
            a11 = k1.fma(b, a11);
            b = FloatVector.broadcast(F, gt[2 * f + o]);
            a20 = k0.fma(b, a20);
            a21 = k1.fma(b, a21);
            b = FloatVector.broadcast(F, gt[3 * f + o]);
            a30 = k0.fma(b, a30);
            a31 = k1.fma(b, a31);
            b = FloatVector.broadcast(F, gt[4 * f + o]);
            a40 = k0.fma(b, a40);
            a41 = k1.fma(b, a41);
            b = FloatVector.broadcast(F, gt[5 * f + o]);
            a50 = k0.fma(b, a50);
            a51 = k1.fma(b, a51);
            b = FloatVector.broadcast(F, gt[6 * f + o]);
            a60 = k0.fma(b, a60);
            a61 = k1.fma(b, a61);
            b = FloatVector.broadcast(F, gt[7 * f + o]);
            a70 = k0.fma(b, a70);
            a71 = k1.fma(b, a71);
        }
        float[] v = out.values();
        int at = base[0] + offset;
        a00.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        a01.add(FloatVector.fromArray(F, v, at + L)).intoArray(v, at + L);
        at = base[1] + offset;
        a10.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        a11.add(FloatVector.fromArray(F, v, at + L)).intoArray(v, at + L);
        at = base[2] + offset;
        a20.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        a21.add(FloatVector.fromArray(F, v, at + L)).intoArray(v, at + L);
        at = base[3] + offset;
        a30.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        a31.add(FloatVector.fromArray(F, v, at + L)).intoArray(v, at + L);
        at = base[4] + offset;
        a40.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        a41.add(FloatVector.fromArray(F, v, at + L)).intoArray(v, at + L);
        at = base[5] + offset;
        a50.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        a51.add(FloatVector.fromArray(F, v, at + L)).intoArray(v, at + L);
        at = base[6] + offset;
        a60.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        a61.add(FloatVector.fromArray(F, v, at + L)).intoArray(v, at + L);
        at = base[7] + offset;
        a70.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        a71.add(FloatVector.fromArray(F, v, at + L)).intoArray(v, at + L);
    }

    /** {@code count} pixels × one vector of input channels, a pixel at a time: the channels past the pairs and the last pixels. */
    private static void onePixelAtATime(PaddedBlock out, int[] base, int offset, float[] gt, int f, int count, float[] kt, int kAt, int c) {
        float[] v = out.values();
        for (int p = 0; p < count; p++) {
            FloatVector a = FloatVector.zero(F);
            for (int o = 0, ko = kAt; o < f; o++, ko += c) a = FloatVector.fromArray(F, kt, ko).fma(FloatVector.broadcast(F, gt[p * f + o]), a);
            int at = base[p] + offset;
            a.add(FloatVector.fromArray(F, v, at)).intoArray(v, at);
        }
    }
}
