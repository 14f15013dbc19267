package dev.panamax.tensors;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * NumPy-style printing: nested brackets, one row per line, columns aligned, and {@code ...} in place of the
 * middle of any dimension longer than 6 once the tensor has more than 1000 elements.
 *
 * <pre>
 * tensor([[0.5000, 1.2500],
 *         [2.0000, 3.0000]], dtype=F32)
 * </pre>
 */
final class TensorFormat {
    static final int THRESHOLD = 1000;
    static final int EDGE = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        boolean summarise = t.numel() > THRESHOLD;
        List<Double> shown = new ArrayList<>();
        collect(t, new long[t.rank()], 0, summarise, shown);
        Style style = Style.choose(t.dtype(), shown);
        StringBuilder sb = new StringBuilder("tensor(");
        String indent = " ".repeat("tensor(".length());
        if (t.numel() == 0) {
            sb.append("[]");
        } else {
            render(t, new long[t.rank()], 0, summarise, style, indent, sb);
        }
        sb.append(", shape=").append(Shape.str(t.shape())).append(", dtype=").append(t.dtype()).append(')');
        return sb.toString();
    }

    private static void collect(Tensor t, long[] idx, int d, boolean summarise, List<Double> out) {
        if (d == t.rank()) {
            out.add(t.getDouble(idx));
            return;
        }
        for (long i : indices(t.dim(d), summarise)) {
            if (i < 0) continue;
            idx[d] = i;
            collect(t, idx, d + 1, summarise, out);
        }
    }

    /** Indices to print along a dimension of size n; -1 marks the "..." gap. */
    private static long[] indices(long n, boolean summarise) {
        if (!summarise || n <= 2 * EDGE) {
            long[] r = new long[(int) n];
            for (int i = 0; i < n; i++) r[i] = i;
            return r;
        }
        long[] r = new long[2 * EDGE + 1];
        for (int i = 0; i < EDGE; i++) {
            r[i] = i;
            r[EDGE + 1 + i] = n - EDGE + i;
        }
        r[EDGE] = -1;
        return r;
    }

    private static void render(Tensor t, long[] idx, int d, boolean summarise, Style style, String indent,
                               StringBuilder sb) {
        if (d == t.rank()) {
            sb.append(style.pad(style.text(t.getDouble(idx))));
            return;
        }
        sb.append('[');
        long[] ix = indices(t.dim(d), summarise);
        for (int j = 0; j < ix.length; j++) {
            if (j > 0) {
                sb.append(',');
                if (d == t.rank() - 1) sb.append(' ');
                else sb.append("\n".repeat(t.rank() - 1 - d)).append(indent).append(" ".repeat(d + 1));
            }
            if (ix[j] < 0) {
                sb.append("...");
                continue;
            }
            idx[d] = ix[j];
            render(t, idx, d + 1, summarise, style, indent, sb);
        }
        sb.append(']');
    }

    /** How numbers are written: integers plainly, floats with a shared precision, aligned to one width. */
    private record Style(DType dtype, String mode, int width) {
        static Style choose(DType dtype, List<Double> values) {
            String mode;
            if (!dtype.isFloating()) {
                mode = "int";
            } else {
                double maxAbs = 0, minAbs = Double.MAX_VALUE;
                boolean allInt = true;
                for (double v : values) {
                    if (!Double.isFinite(v)) continue;
                    double a = Math.abs(v);
                    maxAbs = Math.max(maxAbs, a);
                    if (a > 0) minAbs = Math.min(minAbs, a);
                    if (v != Math.rint(v)) allInt = false;
                }
                if (maxAbs >= 1e8 || (minAbs < 1e-4 && maxAbs > 0) || maxAbs / minAbs > 1e4 && !allInt) mode = "sci";
                else mode = allInt ? "intf" : "fixed";
            }
            Style probe = new Style(dtype, mode, 0);
            int w = 0;
            for (double v : values) w = Math.max(w, probe.text(v).length());
            return new Style(dtype, mode, w);
        }

        String text(double v) {
            if (Double.isNaN(v)) return "nan";
            if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
            return switch (mode) {
                case "int" -> Long.toString((long) v);
                case "intf" -> String.format(Locale.ROOT, "%.0f.", v);
                case "sci" -> String.format(Locale.ROOT, "%.4e", v);
                default -> String.format(Locale.ROOT, "%.4f", v);
            };
        }

        String pad(String s) {
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }
}
