package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/**
 * Convolution as an implicit GEMM ({@link DirectConvVector}): each block's output and weight gradient straight from
 * the tensors in their own layouts, where im2col + GEMM would write a patch matrix and pack both operands
 * for every block. {@link ConvEngine} takes each pass for F32 blocks whose channel counts fit the vector tiles (see the
 * {@code applies} methods), when the Vector API is on; the choice follows the shape alone, so results stay the same on
 * any thread count. The input gradient is a scatter ({@link InputGradientVector}) rather than the forward of the output
 * gradient with the kernel flipped: that measured 3.6-4.7 ms against 1.4 ms for GEMM + col2im on the MNIST CNN's second
 * layer at batch 32 (its 32 output channels fill only two vectors, and the full padding adds 40 % multiply-adds on zeros).
 */
public final class DirectConv {
    private DirectConv() {}

    /** {@return whether the direct forward serves this geometry in this precision (4: F32, 8: F64)} */
    public static boolean applies(Conv2dShape s, int width) {
        return width == 4 && Simd.ENABLED && s.c() > 1 && s.f() > 0 && s.f() % Simd.floatLanes() == 0;
    }

    /**
     * {@code y (N, OH, OW, F) = conv(x (N, H, W, C), k (KH, KW, C, F))}, overwritten; offsets in elements, all contiguous.
     *
     * @throws IllegalArgumentException when the direct path does not apply to {@code s}
     */
    public static void forward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment k, long kOff, MemorySegment y, long yOff) {
        if (!applies(s, 4)) {
            throw new IllegalArgumentException("DirectConv takes several input channels and output channels in whole vectors of "
                    + Simd.floatLanes() + ", with the Vector API on; got " + s.c() + " and " + s.f());
        }
        DirectConvVector.forward(s, x, xOff, k, kOff, y, yOff);
    }

    /** {@return whether {@link #weightGradient} serves this geometry: input channels in fours, output channels in fours of vectors} */
    public static boolean appliesToWeightGradient(Conv2dShape s, int width) {
        return applies(s, width) && s.c() % 4 == 0 && s.f() % (4 * Simd.floatLanes()) == 0;
    }

    /**
     * The weight gradient {@code dk (KH, KW, C, F)} from the output gradient {@code g (N, OH, OW, F)}: overwritten, or added
     * to when {@code accumulate}.
     *
     * @throws IllegalArgumentException when {@link #appliesToWeightGradient} is false for {@code s}
     */
    public static void weightGradient(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, MemorySegment dk, long dkOff,
                                      boolean accumulate) {
        if (!appliesToWeightGradient(s, 4)) {
            throw new IllegalArgumentException("DirectConv.weightGradient takes input channels in fours and output channels in fours of "
                    + Simd.floatLanes() + ", with the Vector API on; got " + s.c() + " and " + s.f());
        }
        DirectConvVector.weightGradient(s, x, xOff, g, gOff, dk, dkOff, accumulate);
    }

    /** {@return whether {@link #inputGradient} serves this geometry: input channels in whole vectors} */
    public static boolean appliesToInputGradient(Conv2dShape s, int width) {
        return width == 4 && Simd.ENABLED && s.c() > 0 && s.c() % Simd.floatLanes() == 0 && s.f() > 0;
    }

    /** {@return the kernel {@code (KH, KW, C, F)} at {@code kOff} as {@code (KH, KW, F, C)}, the layout {@link #inputGradient} reads} */
    public static float[] transposedKernel(Conv2dShape s, MemorySegment k, long kOff) {
        float[] kk = new float[s.kh() * s.kw() * s.c() * s.f()];
        MemorySegment.copy(k, JAVA_FLOAT_UNALIGNED, kOff << 2, kk, 0, kk.length);  // in bulk: element reads from the segment cost 10×
        return transpose(s, kk, new float[kk.length]);
    }

    /**
     * {@link #transposedKernel} into the calling thread's kept arrays, for the engine's backward pass, which reads it only
     * until it returns: the third layer's was a third of a training step's garbage, made anew every step (JFR).
     */
    static float[] keptTransposedKernel(Conv2dShape s, MemorySegment k, long kOff) {
        int n = s.kh() * s.kw() * s.c() * s.f();
        float[] kk = TRANSPOSED.atLeast(0, n);
        MemorySegment.copy(k, JAVA_FLOAT_UNALIGNED, kOff << 2, kk, 0, n);
        return transpose(s, kk, TRANSPOSED.atLeast(1, n));
    }

    /** Each thread's kernel copy (slot 0) and its transpose (slot 1), up to 4 MB each. */
    private static final ThreadFloats TRANSPOSED = new ThreadFloats(2, 1 << 20);

    /** {@link #transposedKernel} from the kernel already in an array {@code kk}, into {@code kt} (as long); returns {@code kt}. */
    static float[] transpose(Conv2dShape s, float[] kk, float[] kt) {
        int c = s.c(), f = s.f(), taps = s.kh() * s.kw();
        for (int t = 0, i = 0; t < taps; t++) {
            for (int ch = 0; ch < c; ch++) {
                for (int o = 0, at = t * f * c + ch; o < f; o++, i++, at += c) kt[at] = kk[i];
            }
        }
        return kt;
    }

    /**
     * The input gradient {@code dx (N, H, W, C)}, overwritten, from the output gradient {@code g (N, OH, OW, F)} and the
     * kernel as {@link #transposedKernel} lays it out.
     *
     * @throws IllegalArgumentException when {@link #appliesToInputGradient} is false for {@code s}
     */
    public static void inputGradient(Conv2dShape s, MemorySegment g, long gOff, float[] transposedKernel, MemorySegment dx, long dxOff) {
        if (!appliesToInputGradient(s, 4)) {
            throw new IllegalArgumentException("DirectConv.inputGradient takes input channels in whole vectors of " + Simd.floatLanes()
                    + ", with the Vector API on; got " + s.c());
        }
        InputGradientVector.inputGradient(s, g, gOff, transposedKernel, dx, dxOff);
    }
}
