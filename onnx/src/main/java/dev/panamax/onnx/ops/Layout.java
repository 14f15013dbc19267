package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Operators that rearrange elements: Split, Tile, Pad (constant, reflect, edge), DepthToSpace, SpaceToDepth and
 * ReverseSequence. Split and the depth/space moves are views and reshapes; the others compute each output element's
 * source position and copy through {@link Indexing#take}, exact for every element type.
 */
final class Layout {
    private Layout() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Split", (node, opset) -> {
            long axisAttr = node.attributes().i("axis", 0);
            long[] attrSplit = opset < 13 ? node.attributes().ints("split") : null;
            int outputs = node.outputs().size();
            return in -> {
                int axis = Args.axis("Split", axisAttr, in[0].rank());
                long[] split = opset < 13 ? attrSplit : in.length > 1 && in[1] != null ? Args.longs(in[1]) : null;
                long dim = in[0].dim(axis);
                if (split == null) {
                    if (dim % outputs != 0) throw new IllegalArgumentException("axis " + axis + " of size " + dim + " does not split into " + outputs);
                    split = new long[outputs];
                    Arrays.fill(split, dim / outputs);
                }
                Tensor[] out = new Tensor[split.length];
                long start = 0;
                for (int i = 0; i < split.length; i++) {
                    out[i] = in[0].slice(axis, start, start + split[i]);
                    start += split[i];
                }
                return out;
            };
        });
        ops.put("Tile", (node, opset) -> in -> new Tensor[] {tile(in[0], Args.longs(in[1]))});
        ops.put("Pad", (node, opset) -> {
            Attributes a = node.attributes();
            String mode = a.s("mode", "constant");
            if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")) {
                throw new IllegalArgumentException(node.describe() + ": mode '" + mode + "' is not supported (constant, reflect, edge)");
            }
            long[] attrPads = opset < 11 ? a.ints(opset < 2 ? "paddings" : "pads") : null;
            double attrValue = opset < 11 ? a.f("value", 0f) : 0;
            return in -> {
                long[] pads = opset < 11 ? attrPads : Args.longs(in[1]);
                double value = opset < 11 ? attrValue : in.length > 2 && in[2] != null ? Args.scalar(in[2], "Pad constant_value") : 0;
                if (opset >= 11 && in.length > 3 && in[3] != null) pads = expandAxes(pads, Args.longs(in[3]), in[0].rank());
                return new Tensor[] {pad(in[0], pads, mode, value)};
            };
        });
        ops.put("DepthToSpace", (node, opset) -> {
            long b = node.attributes().i("blocksize", 0);
            boolean crd = node.attributes().s("mode", "DCR").equals("CRD");
            return in -> {
                long[] s = in[0].shape();
                long n = s[0], c = s[1], h = s[2], w = s[3], cc = c / (b * b);
                long[] split = crd ? new long[] {n, cc, b, b, h, w} : new long[] {n, b, b, cc, h, w};
                int[] order = crd ? new int[] {0, 1, 4, 2, 5, 3} : new int[] {0, 3, 4, 1, 5, 2};
                return new Tensor[] {rearrange(in[0], split, order, n, cc, h * b, w * b)};
            };
        });
        ops.put("SpaceToDepth", (node, opset) -> {
            long b = node.attributes().i("blocksize", 0);
            return in -> {
                long[] s = in[0].shape();
                long n = s[0], c = s[1], h = s[2], w = s[3];
                return new Tensor[] {rearrange(in[0], new long[] {n, c, h / b, b, w / b, b}, new int[] {0, 3, 5, 1, 2, 4}, n, c * b * b, h / b, w / b)};
            };
        });
        ops.put("ReverseSequence", (node, opset) -> {
            int batchAxis = (int) node.attributes().i("batch_axis", 1), timeAxis = (int) node.attributes().i("time_axis", 0);
            return in -> {
                long[] s = in[0].shape(), lens = in[1].toLongArray(), idx = new long[s.length], st = Ref.strides(s);
                long[] pos = new long[(int) in[0].numel()];
                for (int i = 0; i < pos.length; i++) {
                    Ref.unravel(i, s, idx);
                    long len = lens[(int) idx[batchAxis]];
                    if (idx[timeAxis] < len) idx[timeAxis] = len - 1 - idx[timeAxis];
                    pos[i] = Ref.ravel(idx, st);
                }
                return new Tensor[] {Indexing.take(in[0], pos, s)};
            };
        });
    }

    /** {@code x} reshaped to {@code split}, permuted by {@code order}, and reshaped to {@code shape}. */
    private static Tensor rearrange(Tensor x, long[] split, int[] order, long... shape) {
        try (Tensor r = x.reshape(split); Tensor p = r.permute(order); Tensor c = p.contiguous()) {
            return c.reshape(shape);
        }
    }

    private static Tensor tile(Tensor x, long[] repeats) {
        long[] s = x.shape(), out = new long[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[i] * repeats[i];
        long[] idx = new long[s.length], st = Ref.strides(s), pos = new long[(int) Ref.numel(out)];
        for (int i = 0; i < pos.length; i++) {
            Ref.unravel(i, out, idx);
            for (int d = 0; d < s.length; d++) idx[d] %= s[d];
            pos[i] = Ref.ravel(idx, st);
        }
        return Indexing.take(x, pos, out);
    }

    /** Pads given for some axes (opset 18's {@code axes} input) as pads for every axis. */
    private static long[] expandAxes(long[] pads, long[] axes, int rank) {
        long[] full = new long[2 * rank];
        for (int i = 0; i < axes.length; i++) {
            int a = Args.axis("Pad", axes[i], rank);
            full[a] = pads[i];
            full[a + rank] = pads[i + axes.length];
        }
        return full;
    }

    /** {@code pads} = begins then ends per axis; negative pads crop. */
    private static Tensor pad(Tensor x, long[] pads, String mode, double value) {
        long[] s = x.shape();
        int r = s.length;
        if (pads.length != 2 * r) throw new IllegalArgumentException("pads has " + pads.length + " values for rank " + r);
        long[] out = new long[r];
        for (int d = 0; d < r; d++) out[d] = s[d] + pads[d] + pads[d + r];
        long[] idx = new long[r], st = Ref.strides(s), pos = new long[(int) Ref.numel(out)];
        boolean[] outside = new boolean[pos.length];
        for (int i = 0; i < pos.length; i++) {
            Ref.unravel(i, out, idx);
            for (int d = 0; d < r; d++) {
                long j = idx[d] - pads[d];
                if (j < 0 || j >= s[d]) {
                    switch (mode) {
                        case "edge" -> j = Math.clamp(j, 0, s[d] - 1);
                        case "reflect" -> j = reflect(j, s[d]);
                        default -> outside[i] = true;
                    }
                }
                idx[d] = Math.clamp(j, 0, Math.max(0, s[d] - 1));
            }
            pos[i] = Ref.ravel(idx, st);
        }
        if (x.numel() == 0) return Tensor.full(x.dtype(), value, out);
        try (Tensor taken = Indexing.take(x, pos, out)) {
            byte[] m = new byte[pos.length];
            for (int i = 0; i < m.length; i++) m[i] = (byte) (outside[i] ? 1 : 0);
            try (Tensor mask = Tensor.ofBytes(m, out); Tensor fill = Tensor.full(x.dtype(), value)) {
                return Tensor.where(mask, fill, taken);
            }
        }
    }

    private static long reflect(long j, long n) {
        if (n == 1) return 0;
        long period = 2 * (n - 1);
        j = Math.floorMod(j, period);
        return j < n ? j : period - j;
    }
}
