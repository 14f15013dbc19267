package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API max pooling over NHWC: channels are contiguous, so one vector holds a run of channels of
 * one pixel; the running maximum and the index of its pixel are kept per lane (and backward, where windows tile the
 * input, compares those indices with each pixel's own). Same contract as
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
        int iy0 = oy * s.sh();
        copyWindowRows(s, x, xOff, b, iy0, in);
        rowFrom(s, in, (b * s.h() + iy0) * s.w() * s.c(), y, yo, arg, ao, outY, outA);
    }

    /**
     * {@link #row} from its {@code kh} input rows already in {@code in} (a fused convolution wrote them there);
     * {@code rowBase} is the flat index of {@code in[0]} in the input, which the winners count from.
     */
    static void rowFrom(Conv2dShape s, float[] in, int rowBase, MemorySegment y, long yo, MemorySegment arg, long ao, float[] outY, int[] outA) {
        int c = s.c(), w = s.w(), rowLen = w * c, body = c - c % L, kh = s.kh(), kw = s.kw(), sw = s.sw();
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
                        VectorMask<Float> take = takes(v, best);
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

    /**
     * Where {@code v} replaces the running maximum: larger, or NaN over a number; that is, not at most {@code best}
     * while {@code best} is a number (a compare fewer than spelling out both cases).
     */
    private static VectorMask<Float> takes(FloatVector v, FloatVector best) {
        return v.compare(VectorOperators.LE, best).not().and(best.compare(VectorOperators.EQ, best));
    }

    /**
     * One vector of channels of a 2 × 2 window whose four values lie in {@code a} at {@code i00, i01, i10, i11} (row by
     * row, the order {@link #row} reads them): its maximum into {@code y} at byte {@code yAt}, and its winner into
     * {@code arg} at byte {@code aAt} (null: not kept), the candidates' flat indices (lane 0's) being {@code w00..w11}.
     */
    static void window(float[] a, int i00, int i01, int i10, int i11, int w00, int w01, int w10, int w11, MemorySegment y, long yAt,
                       MemorySegment arg, long aAt) {
        IntVector lane = IntVector.zero(I).addIndex(1);
        FloatVector best = FloatVector.fromArray(F, a, i00), v = FloatVector.fromArray(F, a, i01);
        VectorMask<Float> t01 = takes(v, best);
        best = best.blend(v, t01);
        v = FloatVector.fromArray(F, a, i10);
        VectorMask<Float> t10 = takes(v, best);
        best = best.blend(v, t10);
        v = FloatVector.fromArray(F, a, i11);
        VectorMask<Float> t11 = takes(v, best);
        best = best.blend(v, t11);
        best.intoMemorySegment(y, yAt, ORDER);
        if (arg == null) return;
        IntVector at = lane.add(w00).blend(lane.add(w01), t01.cast(I)).blend(lane.add(w10), t10.cast(I)).blend(lane.add(w11), t11.cast(I));
        at.intoMemorySegment(arg, aAt, ORDER);
    }

    /**
     * {@link #window}'s backward: the window's gradient (from {@code dy} at byte {@code gAt}) where each candidate won
     * (the winners from {@code arg} at byte {@code aAt}), zero where it lost, into {@code a} at {@code i00..i11}.
     */
    static void windowGradient(MemorySegment dy, long gAt, MemorySegment arg, long aAt, int w00, int w01, int w10, int w11, float[] a,
                               int i00, int i01, int i10, int i11) {
        IntVector lane = IntVector.zero(I).addIndex(1), won = IntVector.fromMemorySegment(I, arg, aAt, ORDER);
        FloatVector g = FloatVector.fromMemorySegment(F, dy, gAt, ORDER), zero = FloatVector.zero(F);
        zero.blend(g, won.eq(lane.add(w00)).cast(F)).intoArray(a, i00);
        zero.blend(g, won.eq(lane.add(w01)).cast(F)).intoArray(a, i01);
        zero.blend(g, won.eq(lane.add(w10)).cast(F)).intoArray(a, i10);
        zero.blend(g, won.eq(lane.add(w11)).cast(F)).intoArray(a, i11);
    }

    /** The {@code kh} input rows from {@code iy0} of image {@code b}, into {@code in}. */
    private static void copyWindowRows(Conv2dShape s, MemorySegment x, long xOff, int b, int iy0, float[] in) {
        int rowLen = s.w() * s.c();
        for (int ky = 0; ky < s.kh(); ky++) {
            MemorySegment.copy(x, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (xOff + ((long) b * s.h() + iy0 + ky) * rowLen) * 4L,
                    in, ky * rowLen, rowLen);
        }
    }

    /** {@link #row} without the winners (inference): the same comparisons, so the same values, bit for bit. */
    static void rowValues(Conv2dShape s, MemorySegment x, long xOff, int b, int oy, MemorySegment y, long yo, float[] in, float[] outY) {
        copyWindowRows(s, x, xOff, b, oy * s.sh(), in);
        rowValuesFrom(s, in, y, yo, outY);
    }

    /** {@link #rowValues} from its input rows already in {@code in}. */
    static void rowValuesFrom(Conv2dShape s, float[] in, MemorySegment y, long yo, float[] outY) {
        int c = s.c(), w = s.w(), rowLen = w * c, body = c - c % L, kh = s.kh(), kw = s.kw(), sw = s.sw();
        for (int ox = 0; ox < s.ow(); ox++) {
            int first = ox * sw * c;
            for (int ch = 0; ch < body; ch += L) {
                FloatVector best = FloatVector.fromArray(F, in, first + ch);
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = ky == 0 ? 1 : 0; kx < kw; kx++) {
                        FloatVector v = FloatVector.fromArray(F, in, ky * rowLen + first + kx * c + ch);
                        best = best.blend(v, takes(v, best));
                    }
                }
                best.intoArray(outY, ox * c + ch);
            }
            for (int ch = body; ch < c; ch++) {  // channels past the last whole vector
                float bv = in[first + ch];
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = ky == 0 ? 1 : 0; kx < kw; kx++) {
                        float v = in[ky * rowLen + first + kx * c + ch];
                        if (v > bv || (v != v && bv == bv)) bv = v;
                    }
                }
                outY[ox * c + ch] = bv;
            }
        }
        MemorySegment.copy(outY, 0, y, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, yo * 4L, s.ow() * c);
    }

    /**
     * {@link Pool2d#maxBackward} for one image {@code b} when the windows tile the input without overlap or padding and
     * the channels fill whole vectors: every input pixel a window covers gets its window's gradient where it won and
     * zero elsewhere (a masked copy, so nothing is zeroed first and nothing scattered); the rows and columns past the
     * last window get zeros.
     */
    static void maxBackwardTiled(Conv2dShape s, MemorySegment dy, long dyOff, MemorySegment argmax, long aOff, MemorySegment dx, long dxOff,
                                 int b, int[] winners, int[] gradient, int[] in) {
        int c = s.c(), w = s.w(), coveredRows = s.oh() * s.kh(), coveredCols = s.ow() * s.kw(), out = s.oh() * s.ow() * c, image = s.h() * w * c;
        // Heap copies (the caller's arrays: an image's winners, its gradient, its input gradient as bits): the loops
        // below are a few vectors long, too short for the segments' checks to leave them
        MemorySegment.copy(argmax, JAVA_INT_UNALIGNED, (aOff + (long) b * out) << 2, winners, 0, out);
        MemorySegment.copy(dy, JAVA_INT_UNALIGNED, (dyOff + (long) b * out) << 2, gradient, 0, out);
        IntVector lane = IntVector.zero(I).addIndex(1), none = IntVector.zero(I);
        int first = b * image;  // the winners count from the block's first image
        for (int oy = 0, o = 0; oy < s.oh(); oy++) {
            for (int ox = 0; ox < s.ow(); ox++, o += c) {
                for (int ky = 0; ky < s.kh(); ky++) {
                    for (int kx = 0, at = ((oy * s.kh() + ky) * w + ox * s.kw()) * c; kx < s.kw(); kx++, at += c) {
                        for (int ch = 0; ch < c; ch += L) {
                            IntVector won = none.blend(-1, IntVector.fromArray(I, winners, o + ch).eq(lane.add(first + at + ch)));
                            won.and(IntVector.fromArray(I, gradient, o + ch)).intoArray(in, at + ch);  // the gradient's bits where it won
                        }
                    }
                }
            }
        }
        for (int iy = 0; iy < coveredRows; iy++) java.util.Arrays.fill(in, (iy * w + coveredCols) * c, (iy + 1) * w * c, 0);
        java.util.Arrays.fill(in, coveredRows * w * c, image, 0);
        MemorySegment.copy(in, 0, dx, JAVA_INT_UNALIGNED, (dxOff + (long) b * image) << 2, image);
    }
}
