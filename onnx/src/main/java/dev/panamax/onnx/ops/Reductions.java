package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/** ReduceMean, ReduceSum, ReduceMax, ReduceMin with ONNX's axes rules (attribute before opset 13/18, input after). */
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
