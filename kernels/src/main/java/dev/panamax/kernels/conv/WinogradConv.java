package dev.panamax.kernels.conv;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/**
 * 3 × 3 convolutions by Winograd's minimal filtering F(4 × 4, 3 × 3) (Lavin and Gray, 2015): each 4 × 4 block of
 * outputs comes from a 6 × 6 input tile with 36 multiply-adds per channel pair instead of 144, as 36 small products
 * {@code M_ξ = V_ξ · U_ξ} over the transformed tiles {@code V = Bᵀ d B} and the transformed kernel {@code U = G k Gᵀ},
 * then {@code y = Aᵀ M A}. Backward runs the same identity the other way round from {@code dM = A g Aᵀ}, each output
 * gradient tile transformed once for both gradients: the weight gradient {@code dU_ξ = Σ V_ξᵀ · dM_ξ},
 * {@code dk = Gᵀ dU G} (dU summed over the blocks of a batch before it is transformed back), and the input gradient
 * {@code dd = B (dM_ξ · U_ξᵀ) Bᵀ}, each tile's added into its 6 × 6 inputs (neighbouring tiles overlap by two).
 * The transforms' coefficients run to 8 and 1/24, so the F32 result carries more rounding than the direct sum; {@code
 * WinogradConvTest} measures it against the F64 definition and bounds it by a small multiple of the direct kernel's.
 *
 * <p>{@link ConvEngine} takes it, ahead of {@link DirectConv}, for F32 blocks with a 3 × 3 window, unit stride and
 * dilation, output channels in pairs of vectors, and outputs large enough that the tiles save at least 60 % of the
 * multiply-adds ({@link #applies}): the MNIST CNN's second layer (11 × 11 outputs: 9 tiles, 324 products an output
 * channel pair instead of 1,089; F(2 × 2, 3 × 3) took 576) but not its third (3 × 3 outputs: one tile, 36 instead of
 * 81, which the transforms cost more than they save: {@code ConvBench} at batch 32, one thread, forward 170 µs
 * against the direct kernel's 125, weight gradient 165 against 122, input gradient 214 against 121).
 */
public final class WinogradConv {
    private WinogradConv() {}

    /** {@return whether the Winograd forward serves this geometry in this precision (4: F32, 8: F64)} */
    public static boolean applies(Conv2dShape s, int width) {
        if (!threeByThreeUnitStride(s, width)) return false;
        if (s.c() < 1 || s.f() < 1 || s.f() % (2 * Simd.floatLanes()) != 0 || s.oh() < 1 || s.ow() < 1) return false;
        long products = (long) WinogradVector.PLANES * tiles(s.oh()) * tiles(s.ow()), direct = 9L * s.oh() * s.ow();
        return products * 10 <= direct * 4;
    }

    private static boolean threeByThreeUnitStride(Conv2dShape s, int width) {
        return width == 4 && Simd.ENABLED && s.kh() == 3 && s.kw() == 3 && s.sh() == 1 && s.sw() == 1 && s.dh() == 1 && s.dw() == 1;
    }

    /** {@return whether {@link #backward} gives the weight gradient: {@link #applies}, input channels in fours, output channels in fours of vectors} */
    public static boolean appliesToWeightGradient(Conv2dShape s, int width) {
        return applies(s, width) && s.c() % 4 == 0 && s.f() % (4 * Simd.floatLanes()) == 0;
    }

    /** {@return whether {@link #backward} gives the input gradient: {@link #applies}, input channels in pairs of vectors} */
    public static boolean appliesToInputGradient(Conv2dShape s, int width) {
        return applies(s, width) && s.c() % (2 * Simd.floatLanes()) == 0;
    }

    /** Tiles of four outputs along a side of {@code outputs}. */
    static int tiles(int outputs) {
        return (outputs + WinogradVector.TILE - 1) / WinogradVector.TILE;
    }

    /** {@return floats of a transformed kernel or weight gradient: 36 planes of C·F} */
    public static int transformedFloats(Conv2dShape s) {
        return WinogradVector.PLANES * s.c() * s.f();
    }

    /** {@return the kernel {@code (3, 3, C, F)} at {@code kOff} transformed, {@code U = G k Gᵀ}, laid out (36, C, F) for {@link #forward}} */
    public static float[] transformKernel(Conv2dShape s, MemorySegment k, long kOff) {
        return transformKernel(s, k, kOff, null);
    }

    /**
     * {@link #transformKernel(Conv2dShape, MemorySegment, long)} into {@code into} when it holds at least
     * {@link #transformedFloats} (a caller's reused array: single images would otherwise make that much garbage a call),
     * else into a new array.
     */
    public static float[] transformKernel(Conv2dShape s, MemorySegment k, long kOff, float[] into) {
        if (!applies(s, 4)) throw refused(s, "");
        return WinogradVector.transformKernel(s.c() * s.f(), k, kOff, fits(s, into));
    }

    /**
     * The kernel transformed for the input gradient, {@code U_ξᵀ} laid out (36, F, C) (into {@code into} as
     * {@link #transformKernel(Conv2dShape, MemorySegment, long, float[])} does).
     */
    public static float[] transformKernelForInputGradient(Conv2dShape s, MemorySegment k, long kOff, float[] into) {
        if (!appliesToInputGradient(s, 4)) throw refused(s, ", input channels in pairs of vectors");
        MemorySegment transposed = MemorySegment.ofArray(DirectConv.transposedKernel(s, k, kOff));
        return WinogradVector.transformKernel(s.c() * s.f(), transposed, 0, fits(s, into));
    }

    private static float[] fits(Conv2dShape s, float[] into) {
        return into != null && into.length >= transformedFloats(s) ? into : new float[transformedFloats(s)];
    }

    /**
     * {@code y (N, OH, OW, F) = conv(x (N, H, W, C), k)}, overwritten, with the kernel as {@link #transformKernel} gives it;
     * offsets in elements, all contiguous.
     *
     * @throws IllegalArgumentException when {@link #applies} is false for {@code s}
     */
    public static void forward(Conv2dShape s, MemorySegment x, long xOff, float[] transformedKernel, MemorySegment y, long yOff) {
        if (!applies(s, 4)) throw refused(s, "");
        WinogradVector.forward(s, x, xOff, transformedKernel, y, yOff, null, null, 0);
    }

    /**
     * {@return whether {@link #forwardPooled} and {@link #backwardPooled} serve this convolution followed by the max pooling
     * {@code pool} (its geometry over the convolution's output; null: none): {@link #applies}, and 2 × 2 windows at stride
     * 2 inside the output, which never straddle two tiles}
     */
    public static boolean appliesPooled(Conv2dShape s, Conv2dShape pool, int width) {
        return applies(s, width) && Pool2d.fusesTwoByTwo(s, pool, width);
    }

    /**
     * {@code y (N, POH, POW, F) = maxpool(conv(x, k))}, each tile's windows pooled as the tile is transformed back: the
     * same values, bit for bit, as {@link #forward} followed by {@link MaxPool#forward}, and the same winners in
     * {@code argmax} (null: not kept), flat indices into the unpooled (N, OH, OW, F) output.
     *
     * @throws IllegalArgumentException when {@link #appliesPooled} is false
     */
    public static void forwardPooled(Conv2dShape s, Conv2dShape pool, MemorySegment x, long xOff, float[] transformedKernel, MemorySegment y,
                                     long yOff, MemorySegment argmax, long aOff) {
        if (!appliesPooled(s, pool, 4)) throw refused(s, ", 2 × 2 pooling at stride 2 inside the output; pooling " + pool);
        WinogradVector.forward(s, x, xOff, transformedKernel, y, yOff, pool, argmax, aOff);
    }

    /**
     * Backward from the output gradient {@code g (N, OH, OW, F)}, each gradient tile transformed once for both results:
     * the weight gradient in the transformed domain, {@code dU (36, C, F) = Σ_tiles V_ξᵀ · (A g Aᵀ)_ξ}, written to
     * {@code du} or added to it when {@code accumulate} (so that a caller sums a batch's blocks in {@code du} and
     * transforms back once, {@link #kernelGradient}; null: not wanted), and the input gradient {@code dx (N, H, W, C)},
     * overwritten, from the kernel as {@link #transformKernelForInputGradient} gives it in {@code ut} (null: not wanted).
     * Offsets in elements, all contiguous.
     *
     * @throws IllegalArgumentException when {@link #appliesToWeightGradient} (with {@code du}) or
     *                                  {@link #appliesToInputGradient} (with {@code ut}) is false for {@code s}
     */
    public static void backward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, float[] du, boolean accumulate,
                                float[] ut, MemorySegment dx, long dxOff) {
        if (du != null && !appliesToWeightGradient(s, 4)) throw refused(s, ", input channels in fours");
        if (ut != null && !appliesToInputGradient(s, 4)) throw refused(s, ", input channels in pairs of vectors");
        WinogradVector.backward(s, x, xOff, g, gOff, null, null, 0, du, accumulate, ut, dx, dxOff);
    }

    /**
     * {@link #backward} through the pooling of {@link #forwardPooled}: from the pooled gradient {@code dy (N, POH, POW, F)}
     * and the winners, each tile's output gradient built as the tile is transformed, so the full-size gradient is never
     * written.
     *
     * @throws IllegalArgumentException when {@link #appliesPooled} is false, or as {@link #backward}
     */
    public static void backwardPooled(Conv2dShape s, Conv2dShape pool, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                      MemorySegment argmax, long aOff, float[] du, boolean accumulate, float[] ut, MemorySegment dx, long dxOff) {
        if (!appliesPooled(s, pool, 4)) throw refused(s, ", 2 × 2 pooling at stride 2 inside the output; pooling " + pool);
        if (du != null && !appliesToWeightGradient(s, 4)) throw refused(s, ", input channels in fours");
        if (ut != null && !appliesToInputGradient(s, 4)) throw refused(s, ", input channels in pairs of vectors");
        WinogradVector.backward(s, x, xOff, dy, dyOff, pool, argmax, aOff, du, accumulate, ut, dx, dxOff);
    }

    /** {@return a zeroed {@link #backward} weight-gradient sum for the geometry {@code s}} */
    public static float[] transformedGradient(Conv2dShape s) {
        return new float[transformedFloats(s)];
    }

    /** The weight gradient {@code dk (3, 3, C, F) = Gᵀ dU G}, overwritten, from a {@link #backward} sum. */
    public static void kernelGradient(Conv2dShape s, float[] du, MemorySegment dk, long dkOff) {
        if (!appliesToWeightGradient(s, 4)) throw refused(s, ", input channels in fours");
        WinogradVector.kernelGradient(s, du, dk, dkOff);
    }

    private static IllegalArgumentException refused(Conv2dShape s, String more) {
        return new IllegalArgumentException("WinogradConv takes F32 3 × 3 windows with unit stride and dilation, output channels in pairs of vectors of "
                + Simd.floatLanes() + more + " and outputs of several tiles, with the Vector API on; got " + s);
    }
}
