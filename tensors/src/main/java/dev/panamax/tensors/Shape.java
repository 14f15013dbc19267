package dev.panamax.tensors;

import java.util.Arrays;

/** Shape arithmetic shared by every op: element counts, strides, broadcasting and axis checks. */
public final class Shape {
    private Shape() {}

    /**
     * The element count of a shape: the product of its dimensions (1 for a scalar).
     *
     * @param shape the dimensions
     * @return the count
     */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /**
     * Row-major strides, in elements.
     *
     * @param shape the dimensions
     * @return the stride of each dimension (the last is 1)
     */
    public static long[] contiguousStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(1, shape[i]);
        }
        return s;
    }

    /**
     * A shape for messages.
     *
     * @param shape the dimensions
     * @return e.g. {@code [2, 3]}
     */
    public static String str(long[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Checks that every dimension is non-negative; {@code op} names the caller in the message.
     *
     * @param op    the caller's name
     * @param shape the dimensions
     * @return a copy of {@code shape}
     * @throws IllegalArgumentException when a dimension is negative
     */
    public static long[] validate(String op, long[] shape) {
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException(op + ": negative dimension in shape " + str(shape));
        }
        return shape.clone();
    }

    /**
     * NumPy broadcasting of two shapes, or an exception naming the op and both shapes.
     *
     * @param op the caller's name, for the message
     * @param a  one shape
     * @param b  the other
     * @return the broadcast shape
     * @throws IllegalArgumentException when the shapes do not broadcast
     */
    public static long[] broadcast(String op, long[] a, long[] b) {
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long da = i < n - a.length ? 1 : a[i - (n - a.length)];
            long db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast together (dimension " + i + " of the result: " + da + " vs " + db
                        + "; sizes must match or one of them must be 1)");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides that read a tensor of {@code shape}/{@code strides} as if it had {@code target} shape: stride 0
     * on broadcast dimensions. The caller has checked that {@code shape} broadcasts to {@code target}.
     *
     * @param shape   the tensor's shape
     * @param strides its strides, in elements
     * @param target  the shape to read it as
     * @return strides of {@code target}'s rank
     */
    public static long[] broadcastStrides(long[] shape, long[] strides, long[] target) {
        long[] s = new long[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            s[lead + i] = shape[i] == 1 && target[lead + i] != 1 ? 0 : strides[i];
        }
        return s;
    }

    /**
     * Resolves a possibly negative axis against {@code rank}, or throws naming the op.
     *
     * @param op   the caller's name
     * @param axis an axis, negative counting from the end
     * @param rank the tensor's rank
     * @return the axis in [0, rank)
     * @throws IllegalArgumentException when it is out of range
     */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank "
                    + rank + " (valid: " + -rank + " to " + (rank - 1) + ")");
        }
        return a;
    }

    /**
     * Resolves a list of axes (empty means all), rejecting duplicates.
     *
     * @param op   the caller's name
     * @param axes axes, negative counting from the end; null or empty for all
     * @param rank the tensor's rank
     * @return a flag per dimension, true where it is reduced
     * @throws IllegalArgumentException for an axis out of range or given twice
     */
    public static boolean[] axes(String op, int[] axes, int rank) {
        boolean[] mask = new boolean[rank];
        if (axes == null || axes.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int ax : axes) {
            int a = axis(op, ax, rank);
            if (mask[a]) throw new IllegalArgumentException(op + ": axis " + ax + " is given twice in " + Arrays.toString(axes));
            mask[a] = true;
        }
        return mask;
    }
}
