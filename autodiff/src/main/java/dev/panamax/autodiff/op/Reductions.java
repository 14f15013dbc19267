package dev.panamax.autodiff.op;

/** Shape helpers for reductions. */
final class Reductions {
    private Reductions() {}

    /** The input shape with the reduced axes set to 1 (what keepdim = true gives). */
    static long[] keptShape(long[] shape, int[] axes) {
        long[] k = shape.clone();
        if (axes.length == 0) {
            java.util.Arrays.fill(k, 1);
            return k;
        }
        for (int a : axes) k[a < 0 ? a + shape.length : a] = 1;
        return k;
    }
}
