package dev.panamax.kernels.conv;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/**
 * 3 × 3 convolutions by Winograd's minimal filtering F(2 × 2, 3 × 3) (Lavin and Gray, 2015): each 2 × 2 block of
 * outputs comes from a 4 × 4 input tile with 16 multiply-adds per channel pair instead of 36, as 16 small products
 * {@code M_ξ = V_ξ · U_ξ} over the transformed tiles {@code V = Bᵀ d B} and the transformed kernel {@code U = G k Gᵀ},
 * then {@code y = Aᵀ M A}. The weight gradient runs the same identity backwards: {@code dU_ξ = V_ξᵀ · (A dy Aᵀ)_ξ},
 * {@code dk = Gᵀ dU G}, where dU is summed over the blocks of a batch before it is transformed back. The transforms'
 * coefficients are 0, ±1 and ½, so the F32 result stays within a few rounding errors of the direct sum (measured in
 * {@code WinogradConvTest}: below the direct kernel's error on the same data).
 *
 * <p>{@link ConvEngine} takes it, ahead of {@link DirectConv}, for F32 blocks with a 3 × 3 window, unit stride and
 * dilation, output channels in pairs of vectors, and outputs large enough that the tiles save at least 40 % of the
 * multiply-adds ({@link #applies}): the MNIST CNN's second layer (11 × 11 outputs: 36 tiles, 576 products an output
 * channel pair instead of 1,089) but not its third (3 × 3 outputs: 64 instead of 81). The input gradient stays
 * {@link DirectConv}'s scatter: as this forward over the fully padded output gradient with the kernel turned half round
 * (49 tiles for 13 × 13 inputs, 784 products instead of 1,089) it measured 853 µs against the scatter's 716 for the
 * second layer at batch 32, one thread: the tiles round 49 up to 56 and the transforms take the rest.
 */
public final class WinogradConv {
    private WinogradConv() {}

    /** {@return whether the Winograd forward serves this geometry in this precision (4: F32, 8: F64)} */
    public static boolean applies(Conv2dShape s, int width) {
        if (!threeByThreeUnitStride(s, width)) return false;
        if (s.c() < 1 || s.f() < 1 || s.f() % (2 * Simd.floatLanes()) != 0 || s.oh() < 1 || s.ow() < 1) return false;
        long products = 16L * tiles(s.oh()) * tiles(s.ow()), direct = 9L * s.oh() * s.ow();
        return products * 10 <= direct * 6;
    }

    private static boolean threeByThreeUnitStride(Conv2dShape s, int width) {
        return width == 4 && Simd.ENABLED && s.kh() == 3 && s.kw() == 3 && s.sh() == 1 && s.sw() == 1 && s.dh() == 1 && s.dw() == 1;
    }

    /** {@return whether {@link #transformedWeightGradient} serves this geometry: {@link #applies}, input channels in fours, output channels in fours of vectors} */
    public static boolean appliesToWeightGradient(Conv2dShape s, int width) {
        return applies(s, width) && s.c() % 4 == 0 && s.f() % (4 * Simd.floatLanes()) == 0;
    }

    /** Tiles of two outputs along a side of {@code outputs}. */
    static int tiles(int outputs) {
        return (outputs + 1) / 2;
    }

    /** {@return the kernel {@code (3, 3, C, F)} at {@code kOff} transformed, {@code U = G k Gᵀ}, laid out (16, C, F) for {@link #forward}} */
    public static float[] transformKernel(Conv2dShape s, MemorySegment k, long kOff) {
        return transformKernel(s, k, kOff, null);
    }

    /**
     * {@link #transformKernel(Conv2dShape, MemorySegment, long)} into {@code into} when it holds at least 16·C·F floats
     * (a caller's reused array: single images would otherwise make 16·C·F floats of garbage a call), else into a new array.
     */
    public static float[] transformKernel(Conv2dShape s, MemorySegment k, long kOff, float[] into) {
        if (!applies(s, 4)) throw refused(s, "");
        int floats = 16 * s.c() * s.f();
        return WinogradVector.transformKernel(s, k, kOff, into != null && into.length >= floats ? into : new float[floats]);
    }

    /**
     * {@code y (N, OH, OW, F) = conv(x (N, H, W, C), k)}, overwritten, with the kernel as {@link #transformKernel} gives it;
     * offsets in elements, all contiguous.
     *
     * @throws IllegalArgumentException when {@link #applies} is false for {@code s}
     */
    public static void forward(Conv2dShape s, MemorySegment x, long xOff, float[] transformedKernel, MemorySegment y, long yOff) {
        if (!applies(s, 4)) throw refused(s, "");
        WinogradVector.forward(s, x, xOff, transformedKernel, y, yOff);
    }

    /**
     * The weight gradient in the transformed domain, {@code dU (16, C, F) = Σ_tiles V_ξᵀ · (A g Aᵀ)_ξ}, from the output
     * gradient {@code g (N, OH, OW, F)}: written to {@code du} (16·C·F floats), or added to it when {@code accumulate}, so
     * that a caller sums a batch's blocks in {@code du} and transforms back once ({@link #kernelGradient}).
     *
     * @throws IllegalArgumentException when {@link #appliesToWeightGradient} is false for {@code s}
     */
    public static void transformedWeightGradient(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, float[] du,
                                                 boolean accumulate) {
        if (!appliesToWeightGradient(s, 4)) throw refused(s, ", input channels in fours");
        WinogradVector.transformedWeightGradient(s, x, xOff, g, gOff, du, accumulate);
    }

    /** {@return a zeroed {@link #transformedWeightGradient} sum for the geometry {@code s}} */
    public static float[] transformedGradient(Conv2dShape s) {
        return new float[16 * s.c() * s.f()];
    }

    /** The weight gradient {@code dk (3, 3, C, F) = Gᵀ dU G}, overwritten, from a {@link #transformedWeightGradient} sum. */
    public static void kernelGradient(Conv2dShape s, float[] du, MemorySegment dk, long dkOff) {
        if (!appliesToWeightGradient(s, 4)) throw refused(s, ", input channels in fours");
        WinogradVector.kernelGradient(s, du, dk, dkOff);
    }

    private static IllegalArgumentException refused(Conv2dShape s, String more) {
        return new IllegalArgumentException("WinogradConv takes F32 3 × 3 windows with unit stride and dilation, output channels in fours of "
                + Simd.floatLanes() + more + " and outputs of several tiles, with the Vector API on; got " + s);
    }
}
