package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.tensors.Tensor;

/** Gradient plumbing shared by the ops. */
public final class Grads {
    private Grads() {}

    /**
     * Sums a gradient of a broadcast result back to the shape of the input that was broadcast: leading extra
     * dimensions are summed away, and dimensions where the input had size 1 are summed with keepdim. Always
     * returns a tensor with its own reference and exactly {@code shape}. The public entry for custom ops is
     * {@code F.sumTo} (or {@link Ctx#sumToInput}).
     *
     * @param g the gradient of the broadcast output
     * @param shape the input's shape
     * @return the summed gradient
     */
    public static Tensor sumTo(Tensor g, long[] shape) {
        return Ctx.sumTo(g, shape);
    }

    /**
     * The differentiable twin of {@link #sumTo(Tensor, long[])}, for {@code backwardGraph}: {@code g} summed over
     * the dimensions broadcasting added or expanded from 1.
     *
     * @param g a gradient shaped like a broadcast output
     * @param shape the input's shape
     * @return a variable of exactly {@code shape}
     */
    public static Var sumTo(Var g, long[] shape) {
        long[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] axes = java.util.stream.IntStream.range(0, gs.length)
                .filter(i -> i < lead || (shape[i - lead] == 1 && gs[i] != 1)).toArray();
        Var s = axes.length == 0 ? g : new Sum(axes, true).apply1(g);
        return java.util.Arrays.equals(s.shape(), shape) ? s : new Reshape(shape).apply1(s);
    }

    /**
     * A constant scalar of {@code like}'s type, for {@code backwardGraph} formulas.
     *
     * @param v the value
     * @param like a variable whose type the constant takes
     * @return the constant
     */
    public static Var constant(double v, Var like) {
        return Var.of(Tensor.scalar(v, like.value().dtype()));
    }

    /**
     * {@code a · b}, recorded (for {@code backwardGraph} formulas).
     *
     * @param a a factor
     * @param b a factor
     * @return the product
     */
    public static Var mul(Var a, Var b) {
        return new Mul().apply1(a, b);
    }
}
