package dev.panamax.autodiff.op;

/** The shape a reduction without keepdim leaves. */
final class ShapeOfReduced {
    private ShapeOfReduced() {}

    static long[] of(long[] shape, int[] axes) {
        boolean[] drop = new boolean[shape.length];
        if (axes.length == 0) java.util.Arrays.fill(drop, true);
        for (int a : axes) drop[a < 0 ? a + shape.length : a] = true;
        return java.util.stream.IntStream.range(0, shape.length).filter(i -> !drop[i]).mapToLong(i -> shape[i]).toArray();
    }
}
