package dev.panamax.tensors;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Joining, gathering and one-hot encoding. */
final class IndexOps {
    private IndexOps() {}

    static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: needs at least one tensor");
        Tensor first = parts[0];
        for (Tensor p : parts) p.checkOpen("concat");
        int r = first.rank();
        if (r == 0) throw new IllegalArgumentException("concat: 0-d tensors cannot be concatenated; use stack");
        int a = Shape.axis("concat", axis, r);
        long[] shape = first.shape();
        long total = 0;
        DType dt = first.dtype();
        for (Tensor p : parts) {
            long[] s = p.shape();
            if (s.length != r) {
                throw new IllegalArgumentException("concat: all tensors need rank " + r + ", got " + p.describe()
                        + " beside " + first.describe());
            }
            for (int i = 0; i < r; i++) {
                if (i != a && s[i] != shape[i]) {
                    throw new IllegalArgumentException("concat: shapes " + first.describe() + " and " + p.describe()
                            + " differ in dimension " + i + " (only axis " + a + " may differ)");
                }
            }
            total += s[a];
            dt = DType.promote(dt, p.dtype());
        }
        shape[a] = total;
        Tensor out = Tensor.empty(dt, shape);
        long at = 0;
        for (Tensor p : parts) {
            long len = p.dim(a);
            try (Tensor dst = out.slice(a, at, at + len)) {
                dst.copyFrom(p);
            }
            at += len;
        }
        return out;
    }

    static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("stack: needs at least one tensor");
        int a = Shape.axis("stack", axis, parts[0].rank() + 1);
        for (Tensor p : parts) {
            p.checkOpen("stack");
            if (!Arrays.equals(p.shape(), parts[0].shape())) {
                throw new IllegalArgumentException("stack: all tensors need the same shape, got " + parts[0].describe()
                        + " and " + p.describe());
            }
        }
        Tensor[] views = new Tensor[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) views[i] = parts[i].unsqueeze(a);
            return concat(a, views);
        } finally {
            for (Tensor v : views) if (v != null) v.close();
        }
    }

    private static void requireIndex(String op, Tensor index) {
        index.checkOpen(op);
        if (index.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": index must be an integer tensor (I32, I64 or U8), got "
                    + index.describe());
        }
    }

    static Tensor indexSelect(Tensor t, int axis, Tensor index) {
        t.checkOpen("indexSelect");
        requireIndex("indexSelect", index);
        if (index.rank() != 1) {
            throw new IllegalArgumentException("indexSelect: index must be 1-D, got " + index.describe());
        }
        int a = Shape.axis("indexSelect", axis, t.rank());
        long[] idx = index.toLongArray();
        long[] shape = t.shape();
        long n = shape[a];
        shape[a] = idx.length;
        Tensor out = Tensor.empty(t.dtype(), shape);
        boolean rows = a == 0 && t.isContiguous();  // an embedding lookup: whole rows, one bulk copy each
        long rowBytes = rows ? Shape.numel(shape) / Math.max(1, idx.length) * t.dtype().byteSize() : 0;
        for (int i = 0; i < idx.length; i++) {
            long k = idx[i] < 0 ? idx[i] + n : idx[i];
            if (k < 0 || k >= n) {
                out.close();
                throw new IndexOutOfBoundsException("indexSelect: index " + idx[i] + " at position " + i
                        + " is out of range for axis " + axis + " of size " + n + " in " + t.describe());
            }
            if (rows) {
                MemorySegment.copy(t.segment(), t.offset() * t.dtype().byteSize() + k * rowBytes, out.segment(), i * rowBytes, rowBytes);
                continue;
            }
            try (Tensor src = t.select(a, k); Tensor dst = out.select(a, i)) {
                CopyOps.copyInto(dst, src);
            }
        }
        return out;
    }

    static Tensor gather(Tensor t, int axis, Tensor index) {
        t.checkOpen("gather");
        requireIndex("gather", index);
        int r = t.rank();
        if (index.rank() != r) {
            throw new IllegalArgumentException("gather: index must have the same rank as the input, got "
                    + index.describe() + " for " + t.describe());
        }
        int a = Shape.axis("gather", axis, r);
        long[] ts = t.shape(), is = index.shape();
        for (int d = 0; d < r; d++) {
            if (d != a && is[d] > ts[d]) {
                throw new IllegalArgumentException("gather: index " + index.describe() + " is larger than the input "
                        + t.describe() + " in dimension " + d);
            }
        }
        Tensor out = Tensor.empty(t.dtype(), is);
        try (Tensor ic = index.to(DType.I64); Tensor icc = ic.contiguous()) {
            MemorySegment src = t.segment(), dst = out.segment(), ix = icc.segment();
            long[] st = t.strides();
            long[] pos = new long[r];
            int w = t.dtype().byteSize();
            long n = out.numel();
            for (long e = 0; e < n; e++) {
                long k = ix.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, icc.offset() + e);
                if (k < 0 || k >= ts[a]) {
                    out.close();
                    throw new IndexOutOfBoundsException("gather: index value " + k + " at " + Arrays.toString(pos)
                            + " is out of range for axis " + axis + " of size " + ts[a] + " in " + t.describe());
                }
                long so = t.offset();
                for (int d = 0; d < r; d++) so += (d == a ? k : pos[d]) * st[d];
                MemorySegment.copy(src, so * w, dst, e * w, w);
                for (int d = r - 1; d >= 0; d--) {
                    if (++pos[d] < is[d]) break;
                    pos[d] = 0;
                }
            }
        }
        return out;
    }

    static Tensor oneHot(Tensor t, int classes) {
        requireIndex("oneHot", t);
        if (classes <= 0) throw new IllegalArgumentException("oneHot: classes must be positive, got " + classes);
        long[] labels = t.toLongArray();
        long[] shape = Arrays.copyOf(t.shape(), t.rank() + 1);
        shape[t.rank()] = classes;
        Tensor out = Tensor.zeros(DType.F32, shape);
        MemorySegment o = out.segment();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                out.close();
                throw new IllegalArgumentException("oneHot: label " + labels[i] + " at position " + i
                        + " is outside [0, " + classes + ")");
            }
            o.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, (long) i * classes + labels[i], 1f);
        }
        return out;
    }
}
