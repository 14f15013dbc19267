package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Operators that move or reinterpret data without arithmetic: shapes, views, joins, selection, casts and
 * constants. Most return views; the runtime folds the ones that only depend on shapes ({@code Shape → Gather →
 * Unsqueeze → Concat → Reshape} chains) into constants once per input shape.
 */
final class Shapes {
    private Shapes() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Shape", (node, opset) -> {
            long start = node.attributes().i("start", 0), end = node.attributes().i("end", Long.MAX_VALUE);
            return in -> {
                long[] s = in[0].shape();
                int r = s.length;
                int lo = (int) Math.clamp(start < 0 ? start + r : start, 0, r), hi = (int) Math.clamp(end < 0 ? end + r : end, 0, r);
                return new Tensor[] {Tensor.of(Arrays.copyOfRange(s, lo, Math.max(lo, hi)), Math.max(0, hi - lo))};
            };
        });
        ops.put("Size", (node, opset) -> in -> new Tensor[] {Tensor.of(new long[] {in[0].numel()})});
        ops.put("Identity", (node, opset) -> (ValueKernel) in -> new Object[] {in[0] instanceof Tensor t ? same(t) : Values.copy(in[0])});
        ops.put("Dropout", (node, opset) -> {
            node.attributes().ignore("seed");
            node.attributes().ignore("ratio");  // opsets before 12; inference ignores it
            node.attributes().ignore("is_test");
            boolean mask = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
            return in -> {
                boolean training = in.length > 2 && in[2] != null && Args.scalar(in[2], "Dropout training_mode") != 0;
                // Training with ratio 0 drops nothing, so it is the identity; any other ratio draws random masks.
                if (training && (in.length < 2 || in[1] == null || Args.scalar(in[1], "Dropout ratio") != 0)) {
                    throw new IllegalArgumentException("training_mode=1 is not supported; imported graphs run in inference mode");
                }
                Tensor y = same(in[0]);
                return mask ? new Tensor[] {y, Tensor.ones(DType.U8, in[0].shape())} : new Tensor[] {y};
            };
        });
        ops.put("Reshape", (node, opset) -> {
            boolean allowZero = node.attributes().i("allowzero", 0) != 0;
            long[] attrShape = opset < 5 ? node.attributes().ints("shape") : null;
            return in -> new Tensor[] {reshape(in[0], attrShape != null ? attrShape : Args.longs(in[1]), allowZero)};
        });
        ops.put("Flatten", (node, opset) -> {
            long axis = node.attributes().i("axis", 1);
            return in -> {
                long[] s = in[0].shape();
                int a = axis < 0 ? (int) axis + s.length : (int) axis;
                if (a < 0 || a > s.length) throw new IllegalArgumentException("axis " + axis + " out of range for rank " + s.length);
                long outer = 1;
                for (int i = 0; i < a; i++) outer *= s[i];
                return new Tensor[] {in[0].reshape(outer, in[0].numel() / Math.max(1, outer))};
            };
        });
        ops.put("Squeeze", (node, opset) -> {
            long[] attrAxes = opset < 13 ? node.attributes().ints("axes") : null;
            return in -> {
                long[] axes = opset < 13 ? attrAxes : in.length > 1 && in[1] != null ? Args.longs(in[1]) : null;
                long[] s = in[0].shape();
                boolean[] drop = new boolean[s.length];
                if (axes == null) {
                    for (int i = 0; i < s.length; i++) drop[i] = s[i] == 1;
                } else {
                    for (int a : Args.axes("Squeeze", axes, s.length)) {
                        if (s[a] != 1) throw new IllegalArgumentException("cannot squeeze axis " + a + " of size " + s[a]);
                        drop[a] = true;
                    }
                }
                long[] out = new long[s.length];
                int r = 0;
                for (int i = 0; i < s.length; i++) if (!drop[i]) out[r++] = s[i];
                return new Tensor[] {in[0].reshape(Arrays.copyOf(out, r))};
            };
        });
        ops.put("Unsqueeze", (node, opset) -> {
            long[] attrAxes = opset < 13 ? node.attributes().ints("axes") : null;
            return in -> {
                long[] axes = opset < 13 ? attrAxes : Args.longs(in[1]);
                long[] s = in[0].shape();
                int r = s.length + axes.length;
                boolean[] added = new boolean[r];
                for (int a : Args.axes("Unsqueeze", axes, r)) {
                    if (added[a]) throw new IllegalArgumentException("axis " + a + " is repeated");
                    added[a] = true;
                }
                long[] out = new long[r];
                for (int i = 0, j = 0; i < r; i++) out[i] = added[i] ? 1 : s[j++];
                return new Tensor[] {in[0].reshape(out)};
            };
        });
        ops.put("Transpose", (node, opset) -> {
            long[] perm = node.attributes().ints("perm");
            return in -> {
                int r = in[0].rank();
                int[] p = new int[r];
                for (int i = 0; i < r; i++) p[i] = perm == null ? r - 1 - i : (int) perm[i];
                if (perm != null && perm.length != r) throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " for rank " + r);
                return new Tensor[] {in[0].permute(p)};
            };
        });
        ops.put("Concat", (node, opset) -> {
            long axis = node.attributes().i("axis", Long.MIN_VALUE);
            if (axis == Long.MIN_VALUE) throw new IllegalArgumentException(node.describe() + ": the 'axis' attribute is required");
            return in -> new Tensor[] {Tensor.concat(Args.axis("Concat", axis, in[0].rank()), in)};
        });
        ops.put("Gather", (node, opset) -> {
            long axis = node.attributes().i("axis", 0);
            return in -> new Tensor[] {gather(in[0], in[1], Args.axis("Gather", axis, in[0].rank()))};
        });
        ops.put("Slice", (node, opset) -> {
            Attributes a = node.attributes();
            long[] aStarts = opset < 10 ? a.ints("starts") : null, aEnds = opset < 10 ? a.ints("ends") : null;
            long[] aAxes = opset < 10 ? a.ints("axes") : null;
            return in -> {
                long[] starts = opset < 10 ? aStarts : Args.longs(in[1]), ends = opset < 10 ? aEnds : Args.longs(in[2]);
                long[] axes = opset < 10 ? aAxes : in.length > 3 && in[3] != null ? Args.longs(in[3]) : null;
                long[] steps = opset >= 10 && in.length > 4 && in[4] != null ? Args.longs(in[4]) : null;
                return new Tensor[] {slice(in[0], starts, ends, axes, steps)};
            };
        });
        ops.put("Expand", (node, opset) -> in -> {
            long[] target = Args.longs(in[1]), s = in[0].shape();
            int r = Math.max(target.length, s.length);
            long[] out = new long[r];
            for (int i = 0; i < r; i++) {
                long x = i - (r - s.length) >= 0 ? s[i - (r - s.length)] : 1, y = i - (r - target.length) >= 0 ? target[i - (r - target.length)] : 1;
                if (x != y && x != 1 && y != 1) throw new IllegalArgumentException("cannot expand " + Arrays.toString(s) + " to " + Arrays.toString(target));
                out[i] = x == 1 ? y : x;
            }
            try (Tensor v = in[0].reshape(padLeft(s, r))) {
                return new Tensor[] {v.expand(out)};
            }
        });
        ops.put("Cast", (node, opset) -> {
            int to = (int) node.attributes().i("to", 0);
            DType dt = to == Strings.ONNX_STRING ? null : TensorProtos.dtype(to, node.describe());
            node.attributes().ignore("saturate");
            return (ValueKernel) in -> new Object[] {Strings.cast(in[0], dt)};
        });
        ops.put("CastLike", (node, opset) -> {
            node.attributes().ignore("saturate");
            return (ValueKernel) in -> new Object[] {Strings.cast(in[0], in[1] instanceof Tensor like ? like.dtype() : null)};
        });
        ops.put("ConstantOfShape", (node, opset) -> {
            var p = node.attributes().t("value");
            DType dt = p == null ? DType.F32 : TensorProtos.dtype(p.getDataType(), node.describe());
            double v;
            if (p == null) {
                v = 0;
            } else {
                try (Tensor t = TensorProtos.toTensor(p, null)) {
                    v = Args.scalar(t, "ConstantOfShape value");
                }
            }
            return in -> new Tensor[] {Tensor.full(dt, v, Args.longs(in[0]))};
        });
        ops.put("Range", (node, opset) -> in -> {
            DType dt = in[0].dtype();
            double start = Args.scalar(in[0], "Range start"), limit = Args.scalar(in[1], "Range limit"), delta = Args.scalar(in[2], "Range delta");
            long n = Math.max(0, (long) Math.ceil((limit - start) / delta));
            Tensor r = Tensor.empty(dt, n);
            for (long i = 0; i < n; i++) r.set(start + i * delta, i);
            return new Tensor[] {r};
        });
    }

    /** A view of {@code t} that the caller may close independently of {@code t}. */
    static Tensor same(Tensor t) {
        return t.to(t.dtype());
    }

    private static long[] padLeft(long[] s, int r) {
        long[] out = new long[r];
        Arrays.fill(out, 1);
        System.arraycopy(s, 0, out, r - s.length, s.length);
        return out;
    }

    /** ONNX Reshape: 0 copies the input's dimension (unless {@code allowZero}), -1 is inferred. */
    static Tensor reshape(Tensor x, long[] shape, boolean allowZero) {
        long[] s = shape.clone(), xs = x.shape();
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0 && !allowZero) {
                if (i >= xs.length) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " copies dimension " + i + " of rank " + xs.length);
                s[i] = xs[i];
            }
        }
        return x.reshape(s);
    }

    /** ONNX Gather: {@code out.shape = data.shape[:axis] + indices.shape + data.shape[axis+1:]}; negative indices count from the end. */
    static Tensor gather(Tensor data, Tensor indices, int axis) {
        long n = data.dim(axis);
        long[] idx = indices.toLongArray();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < -n || idx[i] >= n) {
                throw new IllegalArgumentException("index " + idx[i] + " is out of range for axis " + axis + " of size " + n);
            }
            if (idx[i] < 0) idx[i] += n;
        }
        long[] ds = data.shape(), is = indices.shape();
        long[] out = new long[ds.length - 1 + is.length];
        System.arraycopy(ds, 0, out, 0, axis);
        System.arraycopy(is, 0, out, axis, is.length);
        System.arraycopy(ds, axis + 1, out, axis + is.length, ds.length - axis - 1);
        if (is.length == 0) return data.select(axis, idx[0]);
        try (Tensor flatIdx = Tensor.of(idx, idx.length); Tensor picked = data.indexSelect(axis, flatIdx)) {
            return picked.reshape(out);
        }
    }

    /** ONNX Slice with Python-style clamping; negative steps are not supported. */
    static Tensor slice(Tensor x, long[] starts, long[] ends, long[] axes, long[] steps) {
        if (starts.length != ends.length) throw new IllegalArgumentException("starts and ends differ in length");
        Tensor cur = same(x);
        for (int i = 0; i < starts.length; i++) {
            int a = axes == null ? i : Args.axis("Slice", axes[i], x.rank());
            long step = steps == null ? 1 : steps[i];
            if (step == 0) throw new IllegalArgumentException("step 0 is not allowed");
            long n = x.dim(a);
            if (step < 0) {  // backwards: a copy of the picked positions (views have non-negative strides)
                long start = Math.clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n - 1);
                long end = Math.clamp(ends[i] < 0 ? ends[i] + n : ends[i], -1, n - 1);
                long count = Math.max(0, Math.ceilDiv(start - end, -step));
                long[] picked = new long[(int) count];
                for (int k = 0; k < count; k++) picked[k] = start + k * step;
                try (Tensor idx = Tensor.of(picked, count)) {
                    Tensor next = cur.indexSelect(a, idx);
                    cur.close();
                    cur = next;
                }
                continue;
            }
            long start = Math.clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n);
            long end = Math.clamp(ends[i] < 0 ? ends[i] + n : ends[i], 0, n);
            Tensor next = cur.slice(a, start, Math.max(start, end), step);
            cur.close();
            cur = next;
        }
        return cur;
    }
}
