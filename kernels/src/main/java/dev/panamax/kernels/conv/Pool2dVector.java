package dev.panamax.kernels.conv;

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
                int iy = oy * s.sh() - s.padTop() + ky * s.dh();
                if (iy < 0 || iy >= s.h()) continue;
                for (int kx = 0; kx < s.kw(); kx++) {
                    int ix = ox * s.sw() - s.padLeft() + kx * s.dw();
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
}
