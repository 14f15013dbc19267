package dev.panamax.autodiff.op;

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
}
