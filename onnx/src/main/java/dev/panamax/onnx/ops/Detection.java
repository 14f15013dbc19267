package dev.panamax.onnx.ops;

import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NonMaxSuppression (greedy, per batch and class, boxes as corners or centres) and Unique (of the elements, or of
 * the slices along an axis, sorted or in order of first appearance, with the indices, inverse indices and counts).
 */
final class Detection {
    private Detection() {}

    static void register(Map<String, Operator> ops) {
        ops.put("NonMaxSuppression", (node, opset) -> {
            boolean centre = node.attributes().i("center_point_box", 0) != 0;
            return in -> new Tensor[] {nms(in, centre)};
        });
        ops.put("Unique", (node, opset) -> {
            Long axis = node.attributes().has("axis") ? node.attributes().i("axis", 0) : null;
            boolean sorted = node.attributes().i("sorted", 1) != 0;
            return in -> unique(in[0], axis, sorted);
        });
    }

    private static double optional(Tensor[] in, int i, double fallback) {
        return in.length > i && in[i] != null ? Args.scalar(in[i], "NonMaxSuppression input " + i) : fallback;
    }

    private static Tensor nms(Tensor[] in, boolean centre) {
        long[] bs = in[0].shape(), ss = in[1].shape();
        int batches = (int) bs[0], boxes = (int) bs[1], classes = (int) ss[1];
        long max = (long) optional(in, 2, 0);
        double iouMax = optional(in, 3, 0), minScore = optional(in, 4, Double.NEGATIVE_INFINITY);
        boolean hasMin = in.length > 4 && in[4] != null;
        double[] b = in[0].toDoubleArray(), s = in[1].toDoubleArray();
        List<long[]> picked = new ArrayList<>();
        for (int n = 0; n < batches; n++) {
            for (int c = 0; c < classes; c++) {
                final int base = (n * classes + c) * boxes;
                Integer[] order = new Integer[boxes];
                for (int i = 0; i < boxes; i++) order[i] = i;
                Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -s[base + i]));  // stable: ties keep the lower index
                List<Integer> kept = new ArrayList<>();
                for (int i : order) {
                    if (kept.size() >= max) break;
                    if (hasMin && !(s[base + i] > minScore)) continue;
                    boolean suppressed = false;
                    for (int k : kept) if (iou(b, (n * boxes + i) * 4, (n * boxes + k) * 4, centre) > iouMax) suppressed = true;
                    if (!suppressed) {
                        kept.add(i);
                        picked.add(new long[] {n, c, i});
                    }
                }
            }
        }
        long[] out = new long[picked.size() * 3];
        for (int i = 0; i < picked.size(); i++) System.arraycopy(picked.get(i), 0, out, i * 3, 3);
        return Tensor.of(out, picked.size(), 3);
    }

    private static double iou(double[] b, int i, int j, boolean centre) {
        double[] p = corners(b, i, centre), q = corners(b, j, centre);
        double w = Math.min(p[2], q[2]) - Math.max(p[0], q[0]), h = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h, union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** {@code [lo0, lo1, hi0, hi1]} of a box given as two corners in any order, or as centre and size. */
    private static double[] corners(double[] b, int at, boolean centre) {
        if (centre) {
            return new double[] {b[at] - b[at + 2] / 2, b[at + 1] - b[at + 3] / 2, b[at] + b[at + 2] / 2, b[at + 1] + b[at + 3] / 2};
        }
        return new double[] {Math.min(b[at], b[at + 2]), Math.min(b[at + 1], b[at + 3]), Math.max(b[at], b[at + 2]), Math.max(b[at + 1], b[at + 3])};
    }

    private static Tensor[] unique(Tensor x, Long axisAttr, boolean sorted) {
        long[] shape = axisAttr == null ? new long[] {x.numel()} : x.shape();
        int axis = axisAttr == null ? 0 : Args.axis("Unique", axisAttr, x.rank());
        long outer = Ref.numel(Arrays.copyOf(shape, axis)), inner = Ref.numel(Arrays.copyOfRange(shape, axis + 1, shape.length));
        int n = (int) shape[axis];
        double[] v = x.toDoubleArray();
        double[][] slices = new double[n][(int) (outer * inner)];
        for (long o = 0; o < outer; o++) for (int i = 0; i < n; i++) for (long k = 0; k < inner; k++) {
            slices[i][(int) (o * inner + k)] = v[(int) ((o * n + i) * inner + k)];
        }
        Map<List<Double>, Integer> first = new LinkedHashMap<>();
        Map<List<Double>, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            List<Double> key = Arrays.stream(slices[i]).boxed().toList();
            first.putIfAbsent(key, i);
            counts.merge(key, 1, Integer::sum);
        }
        List<List<Double>> keys = new ArrayList<>(first.keySet());
        if (sorted) keys.sort((p, q) -> {
            for (int i = 0; i < p.size(); i++) {
                int c = Double.compare(p.get(i), q.get(i));
                if (c != 0) return c;
            }
            return 0;
        });
        Map<List<Double>, Integer> rank = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) rank.put(keys.get(i), i);
        int u = keys.size();
        long[] indices = new long[u], count = new long[u], inverse = new long[n];
        for (int i = 0; i < u; i++) {
            indices[i] = first.get(keys.get(i));
            count[i] = counts.get(keys.get(i));
        }
        for (int i = 0; i < n; i++) inverse[i] = rank.get(Arrays.stream(slices[i]).boxed().toList());
        long[] outShape = shape.clone();
        outShape[axis] = u;
        Tensor y;
        if (axisAttr == null) {
            y = Indexing.take(x, indices, outShape);
        } else {
            try (Tensor idx = Tensor.of(indices, u)) {
                y = x.indexSelect(axis, idx);
            }
        }
        return new Tensor[] {y, Tensor.of(indices, u), Tensor.of(inverse, n), Tensor.of(count, u)};
    }
}
