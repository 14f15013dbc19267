package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.onnx.graph.Node;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * MaxPool and AveragePool where the 2-D kernels do not reach: 1-D and 3-D windows, {@code ceil_mode}, and MaxPool's
 * Indices output. A reference loop over every output element and its window's taps ({@link Ref}); the 2-D
 * case without those options stays on the backend's kernels ({@link Pooling}).
 */
final class NdPool {
    private NdPool() {}

    /** Whether {@code node} needs this path rather than the 2-D kernels. */
    static boolean needed(Node node) {
        Attributes a = node.attributes();
        long[] k = a.ints("kernel_shape");
        boolean indices = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
        return k != null && k.length != 2 || a.i("ceil_mode", 0) != 0 || indices;
    }

    /** A pooling node's window attributes, read (and so validated) when it loads: kernels run on any thread. */
    private record Settings(String where, long[] kernel, long[] strides, long[] dilations, long[] pads, String auto, boolean ceil) {
        static Settings read(Node node) {
            Attributes a = node.attributes();
            String auto = a.s("auto_pad", "NOTSET");
            if (!Arrays.asList("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").contains(auto)) {
                throw new IllegalArgumentException(node.describe() + ": auto_pad '" + auto + "' is not supported");
            }
            long[] k = a.ints("kernel_shape");
            if (k == null) throw new IllegalArgumentException(node.describe() + ": the 'kernel_shape' attribute is required");
            return new Settings(node.describe(), k, a.ints("strides"), a.ints("dilations"), a.ints("pads"), auto, a.i("ceil_mode", 0) != 0);
        }
    }

    /** The window over one input's spatial sizes, with every output position's start. */
    private record Geometry(long[] kernel, long[] strides, long[] dilations, long[] begin, long[] end, long[] out) {
        static Geometry of(Settings w, long[] spatial) {
            int d = spatial.length;
            long[] k = w.kernel(), s = or(w.strides(), d), dil = or(w.dilations(), d), pads = w.pads();
            if (k.length != d) throw new IllegalArgumentException(w.where() + ": kernel_shape must have " + d + " values");
            long[] begin = new long[d], end = new long[d], out = new long[d];
            for (int i = 0; i < d; i++) {
                long ek = (k[i] - 1) * dil[i] + 1;
                switch (w.auto()) {
                    case "SAME_UPPER", "SAME_LOWER" -> {
                        out[i] = Math.ceilDiv(spatial[i], s[i]);
                        long total = Math.max(0, (out[i] - 1) * s[i] + ek - spatial[i]);
                        begin[i] = w.auto().equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    }
                    case "VALID" -> out[i] = Math.ceilDiv(spatial[i] - ek + 1, s[i]);
                    default -> {
                        long pb = pads == null ? 0 : pads[i], pe = pads == null ? 0 : pads[i + d];
                        long span = spatial[i] + pb + pe - ek;
                        out[i] = (w.ceil() ? Math.ceilDiv(span, s[i]) : Math.floorDiv(span, s[i])) + 1;
                        // A last window that would start in the end padding is dropped (ceil mode's rule).
                        if (w.ceil() && (out[i] - 1) * s[i] >= spatial[i] + pb) out[i]--;
                        begin[i] = pb;
                        end[i] = pe;
                    }
                }
            }
            return new Geometry(k, s, dil, begin, end, out);
        }

        private static long[] or(long[] v, int d) {
            if (v != null) return v;
            long[] ones = new long[d];
            Arrays.fill(ones, 1);
            return ones;
        }
    }

    static Operator max() {
        return (node, opset) -> {
            Settings w = Settings.read(node);
            boolean columnMajor = node.attributes().i("storage_order", 0) != 0;
            boolean indices = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
            return in -> pool(w, in[0], true, false, columnMajor, indices);
        };
    }

    static Operator average() {
        return (node, opset) -> {
            Settings w = Settings.read(node);
            boolean countPad = node.attributes().i("count_include_pad", 0) != 0;
            return in -> pool(w, in[0], false, countPad, false, false);
        };
    }

    private static Tensor[] pool(Settings w, Tensor x, boolean max, boolean countPad, boolean columnMajor, boolean wantIndices) {
        long[] s = x.shape();
        int d = s.length - 2;
        long[] spatial = Arrays.copyOfRange(s, 2, s.length);
        Geometry g = Geometry.of(w, spatial);
        long[] outShape = new long[s.length];
        outShape[0] = s[0];
        outShape[1] = s[1];
        System.arraycopy(g.out(), 0, outShape, 2, d);
        long planes = s[0] * s[1], inPlane = Ref.numel(spatial), outPlane = Ref.numel(g.out());
        double[] v = x.toDoubleArray(), y = new double[(int) (planes * outPlane)];
        long[] idx = new long[(int) (planes * outPlane)];
        long[] o = new long[d], tap = new long[d], pos = new long[d], st = Ref.strides(spatial);
        long taps = Ref.numel(g.kernel());
        for (long p = 0; p < planes; p++) {
            for (long j = 0; j < outPlane; j++) {
                Ref.unravel(j, g.out(), o);
                double acc = max ? Double.NEGATIVE_INFINITY : 0;
                long best = -1, count = 0;
                for (long t = 0; t < taps; t++) {
                    Ref.unravel(t, g.kernel(), tap);
                    boolean inside = true, inPadded = true;
                    for (int i = 0; i < d; i++) {
                        pos[i] = o[i] * g.strides()[i] + tap[i] * g.dilations()[i] - g.begin()[i];
                        if (pos[i] < 0 || pos[i] >= spatial[i]) inside = false;
                        if (pos[i] >= spatial[i] + g.end()[i]) inPadded = false;
                    }
                    if (!inside) {
                        if (countPad && inPadded) count++;
                        continue;
                    }
                    long at = Ref.ravel(pos, st);
                    double e = v[(int) (p * inPlane + at)];
                    count++;
                    if (max) {
                        if (e > acc || best < 0) {
                            acc = e;
                            best = columnMajor ? columnMajor(pos, spatial) : at;
                        }
                    } else {
                        acc += e;
                    }
                }
                int k = (int) (p * outPlane + j);
                y[k] = max ? acc : acc / count;
                idx[k] = p * inPlane + best;
            }
        }
        Tensor out = Ref.of(x.dtype(), y, outShape);
        return wantIndices ? new Tensor[] {out, Tensor.of(idx, outShape)} : new Tensor[] {out};
    }

    private static long columnMajor(long[] pos, long[] spatial) {
        long f = 0, m = 1;
        for (int i = 0; i < pos.length; i++) {
            f += pos[i] * m;
            m *= spatial[i];
        }
        return f;
    }
}
