package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;

import dev.panamax.kernels.Fused;
import java.lang.foreign.MemorySegment;

/**
 * A convolution block's bias (+ ReLU) epilogue, applied while the block is still in cache: F32 ({@code width}
 * 4) through the {@link Fused} bias kernels, F64 ({@code width} 8, gradient checks) in the plain loops below,
 * which are also the F32 kernels' scalar twins. Offsets in elements; rows of {@code f} values.
 */
public final class ConvEpilogue {
    private ConvEpilogue() {}

    /** {@code y[r, c] = act(y[r, c] + bias[c])} in place; NaN stays NaN under ReLU. */
    public static void forward(int width, MemorySegment y, long yo, MemorySegment bias, long bo, long rows, int f, boolean relu) {
        if (width == 4) {
            Fused.biasActRows(y, yo, y, yo, bias, bo, rows, f, relu);
            return;
        }
        for (long r = 0; r < rows; r++) {
            for (int c = 0; c < f; c++) {
                long i = yo + r * f + c;
                double v = y.getAtIndex(JAVA_DOUBLE_UNALIGNED, i) + bias.getAtIndex(JAVA_DOUBLE_UNALIGNED, bo + c);
                y.setAtIndex(JAVA_DOUBLE_UNALIGNED, i, relu && !(v > 0) && v == v ? 0.0 : v);
            }
        }
    }

    /**
     * From the upstream gradient {@code g} and the epilogue's output {@code y}: {@code gx = g·[y > 0]} when
     * {@code relu} ({@code gx} untouched otherwise: the gradient passes unchanged), and {@code gbias[c] = Σ_r gx[r, c]}
     * (overwritten).
     */
    public static void backward(int width, MemorySegment gx, long gxo, MemorySegment g, long go, MemorySegment y, long yo,
                                MemorySegment gbias, long gbo, long rows, int f, boolean relu) {
        if (width == 4) {
            Fused.biasActBackwardRows(gx, gxo, g, go, y, yo, gbias, gbo, rows, f, relu);
            return;
        }
        for (int c = 0; c < f; c++) gbias.setAtIndex(JAVA_DOUBLE_UNALIGNED, gbo + c, 0.0);
        for (long r = 0; r < rows; r++) {
            for (int c = 0; c < f; c++) {
                double v = g.getAtIndex(JAVA_DOUBLE_UNALIGNED, go + r * f + c);
                if (relu) {
                    if (!(y.getAtIndex(JAVA_DOUBLE_UNALIGNED, yo + r * f + c) > 0)) v = 0.0;
                    gx.setAtIndex(JAVA_DOUBLE_UNALIGNED, gxo + r * f + c, v);
                }
                gbias.setAtIndex(JAVA_DOUBLE_UNALIGNED, gbo + c, gbias.getAtIndex(JAVA_DOUBLE_UNALIGNED, gbo + c) + v);
            }
        }
    }
}
