package dev.panamax.autodiff.op;

/** Shape helpers for reductions (an empty or null axis list means every axis). */
public final class Reductions {
    private Reductions() {}

    /** The input shape with the reduced axes set to 1 (what keepdim = true gives). */
    public static long[] keptShape(long[] shape, int[] axes) {
        long[] k = shape.clone();
        if (axes == null || axes.length == 0) {
            java.util.Arrays.fill(k, 1);
            return k;
        }
        for (int a : axes) k[a < 0 ? a + shape.length : a] = 1;
        return k;
    }

    /** The shape a reduction without keepdim leaves. */
    public static long[] reducedShape(long[] shape, int[] axes) {
        boolean[] drop = new boolean[shape.length];
        if (axes == null || axes.length == 0) java.util.Arrays.fill(drop, true);
        else for (int a : axes) drop[a < 0 ? a + shape.length : a] = true;
        return java.util.stream.IntStream.range(0, shape.length).filter(i -> !drop[i]).mapToLong(i -> shape[i]).toArray();
    }
}
