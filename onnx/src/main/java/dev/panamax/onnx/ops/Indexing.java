package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Element-addressed reads and writes: GatherElements, GatherND, ScatterElements (and its predecessor Scatter),
 * ScatterND, Compress and NonZero; and the index-built tensors Trilu, OneHot and EyeLike. Each computes, per output
 * element, the flat position it reads or writes ({@link Ref}); reads copy through {@code indexSelect}, so every
 * element type comes out exact.
 */
final class Indexing {
    private Indexing() {}

    static void register(Map<String, Operator> ops) {
        ops.put("GatherElements", (node, opset) -> {
            long axis = node.attributes().i("axis", 0);
            return in -> new Tensor[] {gatherElements(in[0], in[1], Args.axis("GatherElements", axis, in[0].rank()))};
        });
        ops.put("GatherND", (node, opset) -> {
            int batch = (int) node.attributes().i("batch_dims", 0);
            return in -> new Tensor[] {gatherNd(in[0], in[1], batch)};
        });
        ops.put("ScatterElements", (node, opset) -> {
            long axis = node.attributes().i("axis", 0);
            String reduction = node.attributes().s("reduction", "none");
            return in -> new Tensor[] {scatterElements(in[0], in[1], in[2], Args.axis("ScatterElements", axis, in[0].rank()), reduction)};
        });
        ops.put("Scatter", (node, opset) -> {
            long axis = node.attributes().i("axis", 0);
            return in -> new Tensor[] {scatterElements(in[0], in[1], in[2], Args.axis("Scatter", axis, in[0].rank()), "none")};
        });
        ops.put("ScatterND", (node, opset) -> {
            String reduction = node.attributes().s("reduction", "none");
            return in -> new Tensor[] {scatterNd(in[0], in[1], in[2], reduction)};
        });
        ops.put("Compress", (node, opset) -> {
            Long axis = node.attributes().has("axis") ? node.attributes().i("axis", 0) : null;
            return in -> new Tensor[] {compress(in[0], in[1], axis)};
        });
        ops.put("NonZero", (node, opset) -> in -> new Tensor[] {nonZero(in[0])});
        ops.put("Trilu", (node, opset) -> {
            boolean upper = node.attributes().i("upper", 1) != 0;
            return in -> new Tensor[] {trilu(in[0], in.length > 1 && in[1] != null ? (long) Args.scalar(in[1], "Trilu k") : 0, upper)};
        });
        ops.put("OneHot", (node, opset) -> {
            long axis = node.attributes().i("axis", -1);
            return in -> new Tensor[] {oneHot(in[0], (long) Args.scalar(in[1], "OneHot depth"), in[2], axis)};
        });
        ops.put("EyeLike", (node, opset) -> {
            long k = node.attributes().i("k", 0);
            DType dt = node.attributes().has("dtype") ? TensorProtos.dtype((int) node.attributes().i("dtype", 1), node.describe()) : null;
            return in -> {
                long[] s = in[0].shape();
                if (s.length != 2) throw new IllegalArgumentException("EyeLike needs a 2-D input, got " + Arrays.toString(s));
                double[] v = new double[(int) (s[0] * s[1])];
                for (long i = 0; i < s[0]; i++) if (i + k >= 0 && i + k < s[1]) v[(int) (i * s[1] + i + k)] = 1;
                return new Tensor[] {Ref.of(dt == null ? in[0].dtype() : dt, v, s)};
            };
        });
    }

    /** {@code data}'s elements at the flat positions {@code pos}, shaped {@code shape}. */
    static Tensor take(Tensor data, long[] pos, long[] shape) {
        try (Tensor flat = data.contiguous(); Tensor f = flat.reshape(data.numel()); Tensor idx = Tensor.of(pos, pos.length);
             Tensor picked = f.indexSelect(0, idx)) {
            return picked.reshape(shape);
        }
    }

    private static long index(long i, long dim) {
        long j = i < 0 ? i + dim : i;
        if (j < 0 || j >= dim) throw new IllegalArgumentException("index " + i + " is out of range for a dimension of size " + dim);
        return j;
    }

    /** For each element of {@code indices}: the flat position in {@code data} it names along {@code axis}. */
    private static long[] elementPositions(long[] dataShape, Tensor indices, int axis) {
        long[] ix = indices.toLongArray(), is = indices.shape(), st = Ref.strides(dataShape), idx = new long[is.length];
        long[] pos = new long[ix.length];
        for (int i = 0; i < ix.length; i++) {
            Ref.unravel(i, is, idx);
            idx[axis] = index(ix[i], dataShape[axis]);
            pos[i] = Ref.ravel(idx, st);
        }
        return pos;
    }

    static Tensor gatherElements(Tensor data, Tensor indices, int axis) {
        return take(data, elementPositions(data.shape(), indices, axis), indices.shape());
    }

    static Tensor scatterElements(Tensor data, Tensor indices, Tensor updates, int axis, String reduction) {
        return scatter(data, elementPositions(data.shape(), indices, axis), 1, updates, reduction);
    }

    /**
     * For each index tuple of {@code indices (..., k)}: the flat position in {@code data} of the slice it names (with
     * {@code batch} leading batch dimensions), and the slice's length.
     */
    private static long[] ndPositions(long[] ds, Tensor indices, int batch) {
        long[] is = indices.shape(), ix = indices.toLongArray();
        int k = (int) is[is.length - 1];
        long tuples = ix.length / Math.max(1, k), perBatch = tuples / Math.max(1, Ref.numel(Arrays.copyOf(is, batch)));
        long[] st = Ref.strides(ds);
        long[] pos = new long[(int) tuples];
        long[] idx = new long[ds.length];
        long[] batchShape = Arrays.copyOf(ds, batch);
        for (int t = 0; t < tuples; t++) {
            Arrays.fill(idx, 0);
            Ref.unravel(t / Math.max(1, perBatch), batchShape, idx);
            for (int j = 0; j < k; j++) idx[batch + j] = index(ix[t * k + j], ds[batch + j]);
            pos[t] = Ref.ravel(idx, st);
        }
        return pos;
    }

    static Tensor gatherNd(Tensor data, Tensor indices, int batch) {
        long[] ds = data.shape(), is = indices.shape();
        int k = (int) is[is.length - 1];
        long slice = Ref.numel(Arrays.copyOfRange(ds, batch + k, ds.length));
        long[] starts = ndPositions(ds, indices, batch);
        long[] pos = new long[(int) (starts.length * slice)];
        for (int t = 0; t < starts.length; t++) for (int j = 0; j < slice; j++) pos[(int) (t * slice + j)] = starts[t] + j;
        long[] shape = new long[is.length - 1 + ds.length - batch - k];
        System.arraycopy(is, 0, shape, 0, is.length - 1);
        System.arraycopy(ds, batch + k, shape, is.length - 1, ds.length - batch - k);
        return take(data, pos, shape);
    }

    static Tensor scatterNd(Tensor data, Tensor indices, Tensor updates, String reduction) {
        long[] ds = data.shape(), is = indices.shape();
        int k = (int) is[is.length - 1];
        long slice = Ref.numel(Arrays.copyOfRange(ds, k, ds.length));
        return scatter(data, ndPositions(ds, indices, 0), slice, updates, reduction);
    }

    /** {@code data} with the {@code slice}-long runs of {@code updates} combined into it at {@code starts}. */
    private static Tensor scatter(Tensor data, long[] starts, long slice, Tensor updates, String reduction) {
        if (!Arrays.asList("none", "add", "mul", "max", "min").contains(reduction)) {
            throw new IllegalArgumentException("reduction '" + reduction + "' is not supported");
        }
        if (data.dtype().isFloating()) {
            double[] d = data.toDoubleArray(), u = updates.toDoubleArray();
            for (int t = 0; t < starts.length; t++) {
                for (int j = 0; j < slice; j++) {
                    int at = (int) (starts[t] + j);
                    double v = u[(int) (t * slice + j)];
                    d[at] = switch (reduction) {
                        case "add" -> d[at] + v;
                        case "mul" -> d[at] * v;
                        case "max" -> Math.max(d[at], v);
                        case "min" -> Math.min(d[at], v);
                        default -> v;
                    };
                }
            }
            return Ref.of(data.dtype(), d, data.shape());
        }
        long[] d = data.toLongArray(), u = updates.toLongArray();
        for (int t = 0; t < starts.length; t++) {
            for (int j = 0; j < slice; j++) {
                int at = (int) (starts[t] + j);
                long v = u[(int) (t * slice + j)];
                d[at] = switch (reduction) {
                    case "add" -> d[at] + v;
                    case "mul" -> d[at] * v;
                    case "max" -> Math.max(d[at], v);
                    case "min" -> Math.min(d[at], v);
                    default -> v;
                };
            }
        }
        return Ref.ofLongs(data.dtype(), d, data.shape());
    }

    static Tensor compress(Tensor x, Tensor condition, Long axisAttr) {
        long[] c = condition.toLongArray();
        try (Tensor flat = axisAttr == null ? x.reshape(x.numel()) : x.reshape(x.shape())) {
            int axis = axisAttr == null ? 0 : Args.axis("Compress", axisAttr, x.rank());
            long n = Math.min(c.length, flat.dim(axis));
            long[] keep = new long[(int) n];
            int m = 0;
            for (int i = 0; i < n; i++) if (c[i] != 0) keep[m++] = i;
            try (Tensor idx = Tensor.of(Arrays.copyOf(keep, m), m)) {
                return flat.indexSelect(axis, idx);
            }
        }
    }

    static Tensor nonZero(Tensor x) {
        double[] v = x.toDoubleArray();
        long[] s = x.shape(), idx = new long[s.length];
        int n = 0;
        for (double d : v) if (d != 0) n++;
        long[] out = new long[s.length * n];
        int j = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0) continue;
            Ref.unravel(i, s, idx);
            for (int d = 0; d < s.length; d++) out[d * n + j] = idx[d];
            j++;
        }
        return Tensor.of(out, s.length, n);
    }

    static Tensor trilu(Tensor x, long k, boolean upper) {
        long[] s = x.shape();
        long rows = s[s.length - 2], cols = s[s.length - 1];
        byte[] m = new byte[(int) (rows * cols)];
        for (long i = 0; i < rows; i++) {
            for (long j = 0; j < cols; j++) m[(int) (i * cols + j)] = (byte) ((upper ? j - i >= k : j - i <= k) ? 1 : 0);
        }
        try (Tensor mask = Tensor.ofBytes(m, rows, cols); Tensor zero = Tensor.zeros(x.dtype())) {
            return Tensor.where(mask, x, zero);
        }
    }

    static Tensor oneHot(Tensor indices, long depth, Tensor values, long axisAttr) {
        long[] is = indices.shape();
        int axis = Args.axis("OneHot", axisAttr, is.length + 1);
        long[] shape = new long[is.length + 1];
        for (int i = 0, j = 0; i < shape.length; i++) shape[i] = i == axis ? depth : is[j++];
        double[] ix = indices.toDoubleArray(), vals = values.toDoubleArray();
        long inner = Ref.numel(Arrays.copyOfRange(is, axis, is.length));
        double[] out = new double[(int) Ref.numel(shape)];
        Arrays.fill(out, vals[0]);
        for (int i = 0; i < ix.length; i++) {
            long c = (long) ix[i];
            if (c < 0) c += depth;
            if (c < 0 || c >= depth) continue;  // out of range: the row stays all "off"
            long outer = i / inner, rest = i % inner;
            out[(int) ((outer * depth + c) * inner + rest)] = vals[1];
        }
        return Ref.of(values.dtype(), out, shape);
    }
}
