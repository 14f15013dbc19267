package dev.panamax.tensors;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.spec.ReduceOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reductions over any set of axes. The reduced axes are moved last (a view), so each output element reduces
 * one run; when that run is contiguous the Vector API kernels read the tensor in place, otherwise one copy
 * makes it so. Reducing the leading axes of a contiguous tensor (a bias gradient: sum over the batch) instead
 * accumulates whole rows into the output, which reads memory once in order.
 */
final class ReduceOps {
    private ReduceOps() {}

    static Tensor sum(Tensor t, int[] axes, boolean keepdim) {
        t.checkOpen("sum");
        DType out = t.dtype().isFloating() ? t.dtype() : DType.I64;
        return reduce("sum", ReduceOp.SUM, t, axes, keepdim, out);
    }

    static Tensor mean(Tensor t, int[] axes, boolean keepdim) {
        t.checkOpen("mean");
        DType dt = t.dtype().toFloating();
        try (Tensor c = t.to(dt); Tensor s = reduce("mean", ReduceOp.SUM, c, axes, keepdim, dt)) {
            long count = t.numel() / Math.max(1, s.numel());
            if (t.numel() == 0) count = reducedCount(t, axes);
            return s.div(count);
        }
    }

    static Tensor extreme(Tensor t, boolean max, int[] axes, boolean keepdim) {
        String name = max ? "max" : "min";
        t.checkOpen(name);
        return reduce(name, max ? ReduceOp.MAX : ReduceOp.MIN, t, axes, keepdim, t.dtype());
    }

    static Tensor var(Tensor t, int[] axes, boolean keepdim, int correction) {
        t.checkOpen("var");
        DType dt = t.dtype().toFloating();
        long n = reducedCount(t, axes);
        try (Tensor c = t.to(dt); Tensor mu = mean(c, axes, true); Tensor d = c.sub(mu); Tensor sq = d.square();
             Tensor ss = reduce("var", ReduceOp.SUM, sq, axes, keepdim, dt)) {
            return ss.div(Math.max(0, n - correction));
        }
    }

    private static long reducedCount(Tensor t, int[] axes) {
        boolean[] mask = Shape.axes("reduce", axes, t.rank());
        long n = 1;
        for (int i = 0; i < mask.length; i++) if (mask[i]) n *= t.dim(i);
        return n;
    }

    private static long[] outShape(long[] shape, boolean[] mask, boolean keepdim) {
        int k = 0;
        for (int i = 0; i < shape.length; i++) if (!mask[i] || keepdim) k++;
        long[] out = new long[k];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!mask[i]) out[j++] = shape[i];
            else if (keepdim) out[j++] = 1;
        }
        return out;
    }

    private static Tensor reduce(String name, ReduceOp op, Tensor t, int[] axes, boolean keepdim, DType outType) {
        int r = t.rank();
        boolean[] mask = Shape.axes(name, axes, r);
        long[] shape = t.shape();
        long[] outShape = outShape(shape, mask, keepdim);
        long rows = Shape.numel(outShape);
        long run = reducedCount(t, axes);
        if (run == 0 && op != ReduceOp.SUM) {
            throw new IllegalArgumentException(name + ": cannot reduce an empty dimension of " + t.describe()
                    + " (there is no identity for " + name + ")");
        }
        if (!t.dtype().isFloating()) return integerReduce(op, t, mask, outShape, outType);
        // Kept axes first, reduced axes last: each output element reduces one run of `run` elements.
        int[] order = new int[r];
        int j = 0;
        for (int i = 0; i < r; i++) if (!mask[i]) order[j++] = i;
        for (int i = 0; i < r; i++) if (mask[i]) order[j++] = i;
        int[] block = reducedBlock(mask);
        if (t.isContiguous() && block != null && block[1] < r && run > 1) {
            // Reduced axes form one block with kept axes after it: fold whole inner rows, vectorised.
            long outer = 1, inner = 1;
            for (int i = 0; i < block[0]; i++) outer *= shape[i];
            for (int i = block[1]; i < r; i++) inner *= shape[i];
            return blockReduce(op, t, outer, run, inner, outShape);
        }
        Tensor out = Tensor.empty(outType, outShape);
        try (Tensor p = t.permute(order); Tensor c = p.contiguous()) {
            MemorySegment src = c.segment(), dst = out.segment();
            long base = c.offset();
            boolean f32 = t.dtype() == DType.F32;
            Backend backend = Backend.of(t);
            Parallel.forRange(rows, Math.max(1, (1 << 15) / Math.max(1, run)), (from, to) -> {
                for (long i = from; i < to; i++) {
                    double v = backend.reduce(op, t.dtype(), src, base + i * run, run);
                    if (f32) dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
                    else dst.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
                }
            });
        }
        return out;
    }

    /** {@code [first, end)} when the reduced axes are one contiguous run of axes, else null. */
    private static int[] reducedBlock(boolean[] mask) {
        int first = -1, end = -1;
        for (int i = 0; i < mask.length; i++) {
            if (!mask[i]) continue;
            if (first < 0) first = i;
            else if (end >= 0) return null;  // a second block
            if (i + 1 == mask.length || !mask[i + 1]) end = i + 1;
        }
        return first < 0 ? null : new int[] {first, end};
    }

    /**
     * out[o, :] = op over r of t[o, r, :] for a contiguous t seen as (outer, run, inner): the first row is
     * copied, the others folded in with the vector elementwise kernel. Split across cores by outer index
     * (or by inner columns when there is a single outer block, as for a bias gradient).
     */
    private static Tensor blockReduce(ReduceOp op, Tensor t, long outer, long run, long inner, long[] outShape) {
        Tensor out = Tensor.empty(t.dtype(), outShape);
        MemorySegment src = t.segment(), dst = out.segment();
        long base = t.offset();
        int w = t.dtype().byteSize();
        BinaryOp fold = op.combiner();
        Backend backend = Backend.of(t);
        boolean byColumns = outer == 1;
        long tasks = byColumns ? inner : outer;
        long grain = byColumns ? Math.max(64, (1 << 15) / Math.max(1, run)) : Math.max(1, (1 << 15) / Math.max(1, run * inner));
        Parallel.forRange(tasks, grain, (from, to) -> {
            long o0 = byColumns ? 0 : from, o1 = byColumns ? 1 : to;
            long c0 = byColumns ? from : 0, n = byColumns ? to - from : inner;
            for (long o = o0; o < o1; o++) {
                long d = o * inner + c0, s0 = base + o * run * inner + c0;
                MemorySegment.copy(src, s0 * w, dst, d * w, n * w);
                for (long r = 1; r < run; r++) {
                    long row = s0 + r * inner;
                    backend.binary(fold, t.dtype(), dst, d, dst, d, src, row, n);
                }
            }
        });
        return out;
    }

    private static Tensor integerReduce(ReduceOp op, Tensor t, boolean[] mask, long[] outShape, DType outType) {
        Tensor out = Tensor.full(outType, 0, outShape);
        long[] shape = t.shape();
        long[] outStrides = new long[shape.length];
        long[] os = Shape.contiguousStrides(outShapeKeep(shape, mask));
        for (int i = 0; i < shape.length; i++) outStrides[i] = mask[i] ? 0 : os[i];
        boolean[] first = new boolean[(int) out.numel()];
        java.util.Arrays.fill(first, true);
        MemorySegment src = t.segment(), dst = out.segment();
        DType dt = t.dtype();
        long[] idx = new long[shape.length];
        long n = t.numel();
        long[] strides = t.strides();
        for (long e = 0; e < n; e++) {
            long si = t.offset(), oi = 0;
            for (int d = 0; d < shape.length; d++) {
                si += idx[d] * strides[d];
                oi += idx[d] * outStrides[d];
            }
            long v = Elements.getLong(src, dt, si);
            long acc = Elements.getLong(dst, outType, oi);
            long r = first[(int) oi] ? v : switch (op) {
                case SUM -> acc + v;
                case MAX -> Math.max(acc, v);
                case MIN -> Math.min(acc, v);
            };
            first[(int) oi] = false;
            Elements.setLong(dst, outType, oi, r);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    private static long[] outShapeKeep(long[] shape, boolean[] mask) {
        long[] s = shape.clone();
        for (int i = 0; i < s.length; i++) if (mask[i]) s[i] = 1;
        return s;
    }

    static Tensor arg(Tensor t, boolean max, Integer axis, boolean keepdim) {
        String name = max ? "argmax" : "argmin";
        t.checkOpen(name);
        if (axis == null) {
            try (Tensor flat = t.reshape(-1)) {
                return arg(flat, max, 0, false);
            }
        }
        int a = Shape.axis(name, axis, t.rank());
        long run = t.dim(a);
        if (run == 0) throw new IllegalArgumentException(name + ": axis " + axis + " of " + t.describe() + " is empty");
        boolean[] mask = new boolean[t.rank()];
        mask[a] = true;
        long[] outShape = outShape(t.shape(), mask, keepdim);
        Tensor out = Tensor.empty(DType.I64, outShape);
        long rows = out.numel();
        DType dt = t.dtype().isFloating() ? t.dtype() : DType.F64;
        int[] order = new int[t.rank()];
        for (int i = 0, j = 0; i < t.rank(); i++) if (i != a) order[j++] = i;
        order[t.rank() - 1] = a;
        try (Tensor p = t.permute(order); Tensor c = p.to(dt); Tensor cc = c.contiguous()) {
            MemorySegment src = cc.segment(), dst = out.segment();
            long base = cc.offset();
            Backend backend = Backend.of(t);
            Parallel.forRange(rows, Math.max(1, (1 << 15) / run), (from, to) -> {
                for (long i = from; i < to; i++) {
                    long k = backend.argReduce(max, dt, src, base + i * run, run);
                    dst.setAtIndex(ValueLayout.JAVA_LONG, i, k);
                }
            });
        }
        return out;
    }
}
