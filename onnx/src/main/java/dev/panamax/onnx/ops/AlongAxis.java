package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Operators that scan one axis: ArgMax, ArgMin, CumSum, TopK and Hardmax. Each views its input as
 * {@code (outer, n, inner)} around the axis and loops over the {@code n} elements of every line ({@link Ref}).
 */
final class AlongAxis {
    private AlongAxis() {}

    /** The {@code (outer, n, inner)} view of {@code shape} around {@code axis}. */
    private record Lines(long outer, int n, long inner) {
        static Lines of(long[] shape, int axis) {
            long outer = 1, inner = 1;
            for (int i = 0; i < axis; i++) outer *= shape[i];
            for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
            return new Lines(outer, (int) shape[axis], inner);
        }

        /** The flat position of element {@code k} of line {@code (o, i)}. */
        int at(long o, long i, int k) {
            return (int) ((o * n + k) * inner + i);
        }
    }

    static void register(Map<String, Operator> ops) {
        arg(ops, "ArgMax", true);
        arg(ops, "ArgMin", false);
        ops.put("CumSum", (node, opset) -> {
            boolean exclusive = node.attributes().i("exclusive", 0) != 0, reverse = node.attributes().i("reverse", 0) != 0;
            return in -> {
                Tensor x = in[0];
                int axis = Args.axis("CumSum", (long) Args.scalar(in[1], "CumSum axis"), x.rank());
                Lines l = Lines.of(x.shape(), axis);
                double[] v = x.toDoubleArray(), out = new double[v.length];
                for (long o = 0; o < l.outer(); o++) {
                    for (long i = 0; i < l.inner(); i++) {
                        double acc = 0;
                        for (int j = 0; j < l.n(); j++) {
                            int at = l.at(o, i, reverse ? l.n() - 1 - j : j);
                            if (exclusive) {
                                out[at] = acc;
                                acc += v[at];
                            } else {
                                acc += v[at];
                                out[at] = acc;
                            }
                        }
                    }
                }
                return new Tensor[] {Ref.of(x.dtype(), out, x.shape())};
            };
        });
        ops.put("TopK", (node, opset) -> {
            Attributes a = node.attributes();
            long axisAttr = a.i("axis", -1);
            boolean largest = a.i("largest", 1) != 0;
            a.ignore("sorted");  // sorted output is always a valid answer
            long kAttr = opset < 10 ? a.i("k", -1) : -1;
            return in -> topK(in[0], Args.axis("TopK", axisAttr, in[0].rank()), opset < 10 ? kAttr : (long) Args.scalar(in[1], "TopK k"), largest);
        });
        ops.put("Hardmax", (node, opset) -> {
            long axisAttr = node.attributes().i("axis", opset < 13 ? 1 : -1);
            return in -> {
                Tensor x = in[0];
                int axis = Args.axis("Hardmax", axisAttr, x.rank());
                // Before opset 13 the input is flattened to 2-D at the axis, and the row is everything after it.
                long[] shape = x.shape();
                Lines l = opset < 13 ? new Lines(Ref.numel(Arrays.copyOf(shape, axis)), (int) (x.numel() / Math.max(1, Ref.numel(Arrays.copyOf(shape, axis)))), 1)
                        : Lines.of(shape, axis);
                double[] v = x.toDoubleArray(), out = new double[v.length];
                for (long o = 0; o < l.outer(); o++) {
                    for (long i = 0; i < l.inner(); i++) {
                        int best = 0;
                        for (int j = 1; j < l.n(); j++) if (v[l.at(o, i, j)] > v[l.at(o, i, best)]) best = j;
                        if (l.n() > 0) out[l.at(o, i, best)] = 1;
                    }
                }
                return new Tensor[] {Ref.of(x.dtype(), out, shape)};
            };
        });
    }

    private static void arg(Map<String, Operator> ops, String name, boolean max) {
        ops.put(name, (node, opset) -> {
            Attributes a = node.attributes();
            long axisAttr = a.i("axis", 0);
            boolean keep = a.i("keepdims", 1) != 0, last = a.i("select_last_index", 0) != 0;
            return in -> {
                Tensor x = in[0];
                int axis = Args.axis(name, axisAttr, x.rank());
                Lines l = Lines.of(x.shape(), axis);
                double[] v = x.toDoubleArray();
                long[] out = new long[(int) (l.outer() * l.inner())];
                for (long o = 0; o < l.outer(); o++) {
                    for (long i = 0; i < l.inner(); i++) {
                        int best = 0;
                        for (int j = 1; j < l.n(); j++) {
                            double c = v[l.at(o, i, j)], b = v[l.at(o, i, best)];
                            if (max ? c > b || last && c == b : c < b || last && c == b) best = j;
                        }
                        out[(int) (o * l.inner() + i)] = best;
                    }
                }
                long[] shape = x.shape().clone();
                shape[axis] = 1;
                if (!keep) shape = drop(shape, axis);
                return new Tensor[] {Tensor.of(out, shape)};
            };
        });
    }

    private static Tensor[] topK(Tensor x, int axis, long k, boolean largest) {
        Lines l = Lines.of(x.shape(), axis);
        if (k < 0 || k > l.n()) throw new IllegalArgumentException("k " + k + " is out of range for axis " + axis + " of size " + l.n());
        double[] v = x.toDoubleArray();
        long[] shape = x.shape().clone();
        shape[axis] = k;
        int total = (int) Ref.numel(shape);
        double[] values = new double[total];
        long[] indices = new long[total];
        Lines ol = Lines.of(shape, axis);
        for (long o = 0; o < l.outer(); o++) {
            for (long i = 0; i < l.inner(); i++) {
                final long oo = o, ii = i;
                // Ties keep the lower index first, as ONNX specifies.
                Integer[] order = new Integer[l.n()];
                for (int j = 0; j < order.length; j++) order[j] = j;
                Arrays.sort(order, (p, q) -> {
                    int c = Double.compare(v[l.at(oo, ii, p)], v[l.at(oo, ii, q)]);
                    return c != 0 ? largest ? -c : c : Integer.compare(p, q);
                });
                for (int j = 0; j < k; j++) {
                    values[ol.at(o, i, j)] = v[l.at(o, i, order[j])];
                    indices[ol.at(o, i, j)] = order[j];
                }
            }
        }
        return new Tensor[] {x.dtype().isFloating() ? Ref.of(x.dtype(), values, shape) : Ref.ofLongs(x.dtype(), toLongs(values), shape),
            Tensor.of(indices, shape)};
    }

    private static long[] toLongs(double[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) l[i] = (long) v[i];
        return l;
    }

    static long[] drop(long[] shape, int axis) {
        long[] s = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) s[j++] = shape[i];
        return s;
    }
}
