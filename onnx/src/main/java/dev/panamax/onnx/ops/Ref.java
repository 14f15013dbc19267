package dev.panamax.onnx.ops;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * Reference-style helpers for the operators that exporters rarely put on a hot path (the long tail of ONNX's
 * operator set): elements go to a heap array, a plain loop computes the result, and it comes back as a tensor.
 * Clear and exact rather than fast; the operators that real models spend their time in use the kernels instead.
 */
final class Ref {
    private Ref() {}

    /** NumPy's broadcast of two shapes. */
    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] s = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1, y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            s[i] = x == 1 ? y : x;
        }
        return s;
    }

    /** {@code t}'s elements broadcast to {@code shape}, row-major. */
    static double[] doubles(Tensor t, long[] shape) {
        try (Tensor e = t.expand(shape)) {
            return e.toDoubleArray();
        }
    }

    /** {@code t}'s elements broadcast to {@code shape} as integers, row-major. */
    static long[] longs(Tensor t, long[] shape) {
        try (Tensor e = t.expand(shape)) {
            return e.toLongArray();
        }
    }

    /** A tensor of {@code dt} holding {@code v} (float types round, integer types truncate; use {@link #ofLongs} for exact integers). */
    static Tensor of(DType dt, double[] v, long... shape) {
        if (dt == DType.F64) return Tensor.of(v, shape);
        try (Tensor d = Tensor.of(v, shape)) {
            return d.to(dt);
        }
    }

    /** A tensor of the integer type {@code dt} holding {@code v}. */
    static Tensor ofLongs(DType dt, long[] v, long... shape) {
        if (dt == DType.I64) return Tensor.of(v, shape);
        try (Tensor l = Tensor.of(v, shape)) {
            return l.to(dt);
        }
    }

    /** {@code f} of each element, in {@code x}'s type. */
    static Tensor map(Tensor x, DoubleUnaryOperator f) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(v[i]);
        return of(x.dtype(), v, x.shape());
    }

    /** {@code f} of each broadcast pair, as {@code out}. */
    static Tensor zip(Tensor a, Tensor b, DType out, DoubleBinaryOperator f) {
        long[] s = broadcast(a.shape(), b.shape());
        double[] x = doubles(a, s), y = doubles(b, s);
        for (int i = 0; i < x.length; i++) x[i] = f.applyAsDouble(x[i], y[i]);
        return of(out, x, s);
    }

    /** {@code f} of each broadcast pair of integers, as {@code out}. */
    static Tensor zipLongs(Tensor a, Tensor b, DType out, LongBinaryOperator f) {
        long[] s = broadcast(a.shape(), b.shape());
        long[] x = longs(a, s), y = longs(b, s);
        for (int i = 0; i < x.length; i++) x[i] = f.applyAsLong(x[i], y[i]);
        return ofLongs(out, x, s);
    }

    /** Row-major strides of {@code shape}. */
    static long[] strides(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** The number of elements of {@code shape}. */
    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** The multi-index of flat position {@code flat} in {@code shape}, into {@code idx}. */
    static void unravel(long flat, long[] shape, long[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
    }

    /** The flat position of {@code idx} with {@code strides}. */
    static long ravel(long[] idx, long[] strides) {
        long f = 0;
        for (int d = 0; d < idx.length; d++) f += idx[d] * strides[d];
        return f;
    }
}
