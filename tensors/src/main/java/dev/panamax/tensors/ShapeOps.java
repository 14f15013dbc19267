package dev.panamax.tensors;

import java.util.Arrays;

/** View operations: new shape, strides and offset over the same storage. */
final class ShapeOps {
    private ShapeOps() {}

    static Tensor reshape(Tensor t, long[] req) {
        long n = t.numel();
        long[] s = req.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Shape.str(req));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: invalid dimension " + s[i] + " in " + Shape.str(req));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + t.describe() + " (" + n + " elements) into "
                        + Shape.str(req));
            }
            s[infer] = n / known;
        }
        if (Shape.numel(s) != n) {
            throw new IllegalArgumentException("reshape: cannot reshape " + t.describe() + " (" + n + " elements) into "
                    + Shape.str(req) + " (" + Shape.numel(s) + " elements)");
        }
        long[] st = viewStrides(t.shape(), t.strides(), s);
        if (st != null) return t.view(s, st, t.offset());
        try (Tensor c = t.copy()) {
            return c.view(s, Shape.contiguousStrides(s), c.offset());
        }
    }

    /**
     * Strides that present {@code shape}/{@code strides} as {@code target} without copying, or null when the
     * layout does not allow it (PyTorch's {@code computeStride}): each group of old dimensions that merges
     * into new ones must itself be contiguous.
     */
    static long[] viewStrides(long[] shape, long[] strides, long[] target) {
        long[] out = new long[target.length];
        if (Shape.numel(shape) == 0) return Shape.contiguousStrides(target);
        int viewD = target.length - 1;
        long chunkBase = strides.length > 0 ? strides[strides.length - 1] : 1;
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1)) {
                    out[viewD] = viewNumel * chunkBase;
                    viewNumel *= target[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            // Leading size-1 dimensions of the target.
            for (; viewD >= 0; viewD--) {
                if (target[viewD] != 1) return null;
                out[viewD] = 1;
            }
        }
        return out;
    }

    static Tensor permute(Tensor t, int[] order) {
        int r = t.rank();
        if (order.length != r) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " has " + order.length
                    + " entries for a tensor of rank " + r + " " + t.describe());
        }
        long[] shape = t.shape(), strides = t.strides();
        long[] s = new long[r], st = new long[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int a = Shape.axis("permute", order[i], r);
            if (seen[a]) throw new IllegalArgumentException("permute: axis " + order[i] + " repeated in " + Arrays.toString(order));
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return t.view(s, st, t.offset());
    }

    static Tensor slice(Tensor t, int axis, long start, long end, long step) {
        int a = Shape.axis("slice", axis, t.rank());
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        long[] shape = t.shape(), strides = t.strides();
        long n = shape[a];
        long lo = clampIndex(start, n), hi = clampIndex(end, n);
        long len = hi > lo ? (hi - lo + step - 1) / step : 0;
        long offset = t.offset() + (len > 0 ? lo * strides[a] : 0);
        shape[a] = len;
        strides[a] = strides[a] * step;
        return t.view(shape, strides, offset);
    }

    /** Python-style bound: negative counts from the end, then clamped into [0, n]. */
    private static long clampIndex(long i, long n) {
        long j = i < 0 ? i + n : i;
        return Math.max(0, Math.min(n, j));
    }

    static Tensor select(Tensor t, int axis, long index) {
        int a = Shape.axis("select", axis, t.rank());
        long[] shape = t.shape(), strides = t.strides();
        long i = index < 0 ? index + shape[a] : index;
        if (i < 0 || i >= shape[a]) {
            throw new IndexOutOfBoundsException("select: index " + index + " out of range for axis " + axis + " of size "
                    + shape[a] + " in " + t.describe());
        }
        return t.view(remove(shape, a), remove(strides, a), t.offset() + i * strides[a]);
    }

    static Tensor squeeze(Tensor t, int axis, boolean all) {
        long[] shape = t.shape(), strides = t.strides();
        if (!all) {
            int a = Shape.axis("squeeze", axis, t.rank());
            if (shape[a] != 1) {
                throw new IllegalArgumentException("squeeze: axis " + axis + " has size " + shape[a] + ", not 1, in " + t.describe());
            }
            return t.view(remove(shape, a), remove(strides, a), t.offset());
        }
        int keep = 0;
        for (long d : shape) if (d != 1) keep++;
        long[] s = new long[keep], st = new long[keep];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return t.view(s, st, t.offset());
    }

    static Tensor unsqueeze(Tensor t, int axis) {
        int a = Shape.axis("unsqueeze", axis, t.rank() + 1);
        long[] shape = t.shape(), strides = t.strides();
        long inner = a < shape.length ? strides[a] * shape[a] : 1;
        return t.view(insert(shape, a, 1), insert(strides, a, inner), t.offset());
    }

    static Tensor expand(Tensor t, long[] target) {
        long[] shape = t.shape(), strides = t.strides();
        if (target.length < shape.length) {
            throw new IllegalArgumentException("expand: target " + Shape.str(target) + " has fewer dimensions than "
                    + t.describe());
        }
        int lead = target.length - shape.length;
        long[] s = new long[target.length], st = new long[target.length];
        for (int i = 0; i < target.length; i++) {
            long want = target[i];
            if (i < lead) {
                if (want < 0) throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dimension in " + Shape.str(target));
                s[i] = want;
                st[i] = 0;
                continue;
            }
            long have = shape[i - lead];
            if (want == -1 || want == have) {
                s[i] = have;
                st[i] = strides[i - lead];
            } else if (have == 1 && want >= 0) {
                s[i] = want;
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: cannot expand " + t.describe() + " to " + Shape.str(target)
                        + " (dimension " + i + " has size " + have + "; only size-1 dimensions can be expanded)");
            }
        }
        return t.view(s, st, t.offset());
    }

    static long[] remove(long[] a, int i) {
        long[] r = new long[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    static long[] insert(long[] a, int i, long v) {
        long[] r = new long[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }
}
