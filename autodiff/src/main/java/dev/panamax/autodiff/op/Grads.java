package dev.panamax.autodiff.op;

import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Gradient plumbing shared by the ops. */
public final class Grads {
    private Grads() {}

    /**
     * Sums a gradient of a broadcast result back to the shape of the input that was broadcast: leading extra
     * dimensions are summed away, and dimensions where the input had size 1 are summed with keepdim. Always
     * returns a tensor with its own reference and exactly {@code shape}.
     */
    public static Tensor sumTo(Tensor g, long[] shape) {
        long[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) return g.reshape(gs);  // a new view: callers may close g
        int lead = gs.length - shape.length;
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) axes.add(i);
        }
        int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
        try (Tensor s = ax.length == 0 ? g.reshape(gs) : g.sum(ax, true)) {
            return s.reshape(shape);
        }
    }
}
