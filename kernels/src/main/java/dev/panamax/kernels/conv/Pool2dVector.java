package dev.panamax.kernels.conv;

import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API max pooling forward over NHWC: channels are contiguous, so one vector holds a run of channels of
 * one pixel; the running maximum and the index of its pixel are kept per lane. Same contract as
 * {@link Pool2d#maxForward} (first of equal maxima, NaN wins); channels beyond the last whole vector go through
 * the scalar loop. Loaded only when the Vector API is on.
 */
final class Pool2dVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private Pool2dVector() {}

    static boolean fits() {
        return I.length() == L;
    }

    /** One output pixel: channels [0, body) vectorised; returns body (the caller finishes the tail). */
    static int pixel(Conv2dShape s, MemorySegment x, long xOff, int b, int oy, int ox, MemorySegment y, long yo,
                     MemorySegment arg, long ao) {
        int c = s.c(), body = c - c % L;
        IntVector lane = IntVector.zero(I).addIndex(1);
        for (int ch = 0; ch < body; ch += L) {
            FloatVector best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            IntVector at = IntVector.broadcast(I, -1);
            for (int ky = 0; ky < s.kh(); ky++) {
                int iy = s.inputRow(oy, ky);
                if (iy < 0 || iy >= s.h()) continue;
                for (int kx = 0; kx < s.kw(); kx++) {
                    int ix = s.inputCol(ox, kx);
                    if (ix < 0 || ix >= s.w()) continue;
                    int base = ((b * s.h() + iy) * s.w() + ix) * c + ch;
                    FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + base) * 4L, ORDER);
                    VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                            .or(v.compare(VectorOperators.NE, v).and(best.compare(VectorOperators.EQ, best)))
                            .or(at.compare(VectorOperators.LT, 0).cast(F));
                    best = best.blend(v, take);
                    at = at.blend(lane.add(base), take.cast(I));
                }
            }
            best.intoMemorySegment(y, (yo + ch) * 4L, ORDER);
            at.intoMemorySegment(arg, (ao + ch) * 4L, ORDER);
        }
        return body;
    }

    /**
     * One whole output row when every window lies inside the image: the kh input rows are copied into
     * {@code in} once, and the windows are read from the array, where loads need no per-access segment checks
     * (per-pixel segment loads cost more than the compare work). Same contract as {@link #pixel}, all channels.
     */
    static void row(Conv2dShape s, MemorySegment x, long xOff, int b, int oy, MemorySegment y, long yo, MemorySegment arg,
                    long ao, float[] in, float[] outY, int[] outA) {
        int c = s.c(), w = s.w(), rowLen = w * c, body = c - c % L, kh = s.kh(), kw = s.kw(), sw = s.sw();
        int iy0 = oy * s.sh();
        for (int ky = 0; ky < kh; ky++) {
            MemorySegment.copy(x, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (xOff + ((long) b * s.h() + iy0 + ky) * rowLen) * 4L,
                    in, ky * rowLen, rowLen);
        }
        int rowBase = (b * s.h() + iy0) * rowLen;  // x's flat index of in[0]
        IntVector lane = IntVector.zero(I).addIndex(1);
        for (int ox = 0; ox < s.ow(); ox++) {
            int first = ox * sw * c;
            for (int ch = 0; ch < body; ch += L) {
                FloatVector best = FloatVector.fromArray(F, in, first + ch);
                IntVector at = lane.add(rowBase + first + ch);
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = ky == 0 ? 1 : 0; kx < kw; kx++) {
                        int i = ky * rowLen + first + kx * c + ch;
                        FloatVector v = FloatVector.fromArray(F, in, i);
                        VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                                .or(v.compare(VectorOperators.NE, v).and(best.compare(VectorOperators.EQ, best)));
                        best = best.blend(v, take);
                        at = at.blend(lane.add(rowBase + i), take.cast(I));
                    }
                }
                best.intoArray(outY, ox * c + ch);
                at.intoArray(outA, ox * c + ch);
            }
            for (int ch = body; ch < c; ch++) {  // channels past the last whole vector
                float bv = in[first + ch];
                int bi = rowBase + first + ch;
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = ky == 0 ? 1 : 0; kx < kw; kx++) {
                        int i = ky * rowLen + first + kx * c + ch;
                        float v = in[i];
                        if (v > bv || (v != v && bv == bv)) {
                            bv = v;
                            bi = rowBase + i;
                        }
                    }
                }
                outY[ox * c + ch] = bv;
                outA[ox * c + ch] = bi;
            }
        }
        MemorySegment.copy(outY, 0, y, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, yo * 4L, s.ow() * c);
        MemorySegment.copy(outA, 0, arg, java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, ao * 4L, s.ow() * c);
    }
}
