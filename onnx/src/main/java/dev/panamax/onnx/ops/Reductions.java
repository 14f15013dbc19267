package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/** ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd and the norms and log-sums, with ONNX's axes rules (attribute before opset 13/18, input after). */
final class Reductions {
    private Reductions() {}

    @FunctionalInterface
    private interface Reduce {
        Tensor apply(Tensor x, int[] axes, boolean keep);
    }

    static void register(Map<String, Operator> ops) {
        reduce(ops, "ReduceMean", 18, Tensor::mean);
        reduce(ops, "ReduceSum", 13, Tensor::sum);
        reduce(ops, "ReduceMax", 18, Tensor::max);
        reduce(ops, "ReduceMin", 18, Tensor::min);
        reduce(ops, "ReduceSumSquare", 18, (x, axes, keep) -> {
            try (Tensor sq = x.square()) {
                return sq.sum(axes, keep);
            }
        });
        reduce(ops, "ReduceL1", 18, (x, axes, keep) -> {
            try (Tensor a = x.abs()) {
                return a.sum(axes, keep);
            }
        });
        reduce(ops, "ReduceL2", 18, (x, axes, keep) -> {
            try (Tensor sq = x.square(); Tensor s = sq.sum(axes, keep)) {
                return sameType(s.sqrt(), x);
            }
        });
        reduce(ops, "ReduceLogSum", 18, (x, axes, keep) -> {
            try (Tensor s = x.sum(axes, keep)) {
                return sameType(s.log(), x);
            }
        });
        reduce(ops, "ReduceLogSumExp", 18, (x, axes, keep) -> {
            // log Σ exp(x − m) + m with m the maximum, so large inputs do not overflow.
            try (Tensor m = x.max(axes, true); Tensor d = x.sub(m); Tensor e = d.exp(); Tensor s = e.sum(axes, true); Tensor l = s.log();
                 Tensor r = l.add(m)) {
                return r.reshape(reducedShape(x.shape(), axes, keep));
            }
        });
        reduce(ops, "ReduceProd", 18, Reductions::prod);
    }

    /** Integer inputs leave sqrt and log as floats; ONNX keeps the input's type. */
    private static Tensor sameType(Tensor t, Tensor like) {
        if (t.dtype() == like.dtype()) return t;
        try (t) {
            return t.to(like.dtype());
        }
    }

    private static long[] reducedShape(long[] shape, int[] axes, boolean keep) {
        boolean[] r = new boolean[shape.length];
        for (int a : axes) r[a] = true;
        long[] out = new long[shape.length];
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!r[i]) out[n++] = shape[i];
            else if (keep) out[n++] = 1;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The product over {@code axes}, by a loop over every element (no kernel multiplies along an axis). */
    private static Tensor prod(Tensor x, int[] axes, boolean keep) {
        long[] shape = x.shape(), kept = reducedShape(shape, axes, true);
        double[] v = x.toDoubleArray(), out = new double[(int) Ref.numel(kept)];
        java.util.Arrays.fill(out, 1);
        long[] idx = new long[shape.length], st = Ref.strides(kept);
        boolean[] r = new boolean[shape.length];
        for (int a : axes) r[a] = true;
        for (int i = 0; i < v.length; i++) {
            Ref.unravel(i, shape, idx);
            for (int d = 0; d < idx.length; d++) if (r[d]) idx[d] = 0;
            out[(int) Ref.ravel(idx, st)] *= v[i];
        }
        return Ref.of(x.dtype(), out, reducedShape(shape, axes, keep));
    }

    /** {@code axesInputFrom}: the opset from which the axes come as the second input instead of an attribute. */
    private static void reduce(Map<String, Operator> ops, String name, int axesInputFrom, Reduce f) {
        ops.put(name, (node, opset) -> {
            Attributes a = node.attributes();
            boolean keep = a.i("keepdims", 1) != 0;
            boolean noopWhenEmpty = a.i("noop_with_empty_axes", 0) != 0;
            long[] attrAxes = opset < axesInputFrom ? a.ints("axes") : null;
            return in -> {
                long[] axes = opset < axesInputFrom ? attrAxes : in.length > 1 && in[1] != null ? Args.longs(in[1]) : null;
                if (axes == null || axes.length == 0) {
                    if (noopWhenEmpty) return new Tensor[] {Shapes.same(in[0])};
                    axes = new long[in[0].rank()];
                    for (int i = 0; i < axes.length; i++) axes[i] = i;
                }
                return new Tensor[] {f.apply(in[0], Args.axes(name, axes, in[0].rank()), keep)};
            };
        });
    }
}
