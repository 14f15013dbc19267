package dev.panamax.tensors.testing;

import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A plain Java N-d array in double precision: the test oracle. It knows nothing of strides or kernels;
 * every value is read from a tensor with {@code getDouble(index...)}.
 */
public record Ref(long[] shape, double[] data) {
    public static Ref of(Tensor t) {
        long[] shape = t.shape();
        double[] d = new double[(int) t.numel()];
        long[] idx = new long[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDouble(idx);
            next(idx, shape);
        }
        return new Ref(shape, d);
    }

    static void next(long[] idx, long[] shape) {
        for (int k = shape.length - 1; k >= 0; k--) {
            if (++idx[k] < shape[k]) return;
            idx[k] = 0;
        }
    }

    int flat(long[] idx) {
        int f = 0;
        for (int i = 0; i < shape.length; i++) f = (int) (f * shape[i] + idx[i]);
        return f;
    }

    /** Value at a broadcast index (size-1 dimensions repeat; missing leading dimensions are implied). */
    public double at(long[] outIdx) {
        int lead = outIdx.length - shape.length;
        long[] idx = new long[shape.length];
        for (int i = 0; i < shape.length; i++) idx[i] = shape[i] == 1 ? 0 : outIdx[lead + i];
        return data[flat(idx)];
    }

    public static long[] broadcast(long[] a, long[] b) {
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long da = i < n - a.length ? 1 : a[i - (n - a.length)];
            long db = i < n - b.length ? 1 : b[i - (n - b.length)];
            out[i] = Math.max(da, db);
        }
        return out;
    }

    public Ref map(DoubleUnaryOperator f) {
        return new Ref(shape, Arrays.stream(data).map(f).toArray());
    }

    public Ref zip(Ref o, DoubleBinaryOperator f) {
        long[] s = broadcast(shape, o.shape);
        double[] d = new double[(int) Arrays.stream(s).reduce(1, (x, y) -> x * y)];
        long[] idx = new long[s.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.applyAsDouble(at(idx), o.at(idx));
            next(idx, s);
        }
        return new Ref(s, d);
    }

    /** Asserts {@code t} has this shape and values within {@code atol + rtol * |expected|} (NaN matches NaN). */
    public void assertMatches(Tensor t, double rtol, double atol) {
        if (!Arrays.equals(shape, t.shape())) {
            throw new AssertionError("shape " + Arrays.toString(t.shape()) + " != expected " + Arrays.toString(shape));
        }
        Ref got = of(t);
        for (int i = 0; i < data.length; i++) {
            double e = data[i], g = got.data[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(g) : e == g || Math.abs(e - g) <= atol + rtol * Math.abs(e);
            if (!ok) throw new AssertionError("element " + i + ": got " + g + ", expected " + e + " (shape " + Arrays.toString(shape) + ")");
        }
    }
}
