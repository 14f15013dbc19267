package dev.panamax.onnx.conformance;

import dev.panamax.onnx.ops.OptionalValue;
import dev.panamax.onnx.ops.Sequence;
import dev.panamax.onnx.ops.StringTensor;
import dev.panamax.onnx.ops.Values;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Compares an output with the expected tensor the way ONNX's backend test runner does: same element type and
 * shape; floats within {@code |got - expected| <= ATOL + RTOL * |expected|} (numpy's {@code assert_allclose}), NaN
 * equal to NaN and an infinity only to itself; integers and booleans exactly.
 */
final class Comparison {
    static final double RTOL = 1e-3, ATOL = 1e-7;

    private Comparison() {}

    /**
     * {@link #mismatch(String, Tensor, Tensor)} for any values: string tensors equal exactly, sequences item by item,
     * optionals when both are empty or their values match.
     */
    static String mismatch(String name, Object expected, Object got) {
        return switch (expected) {
            case Tensor e -> got instanceof Tensor g ? mismatch(name, e, g) : name + ": " + Values.kind(got) + ", expected a tensor";
            case StringTensor e -> e.equals(got) ? null : name + ": " + got + ", expected " + e;
            case Sequence e -> {
                if (!(got instanceof Sequence g)) yield name + ": " + Values.kind(got) + ", expected a sequence";
                if (g.items().size() != e.items().size()) yield name + ": " + g.items().size() + " items, expected " + e.items().size();
                for (int i = 0; i < e.items().size(); i++) {
                    String m = mismatch(name + "{" + i + "}", e.items().get(i), g.items().get(i));
                    if (m != null) yield m;
                }
                yield null;
            }
            case OptionalValue e -> {
                if (!(got instanceof OptionalValue g)) yield name + ": " + Values.kind(got) + ", expected an optional";
                if (e.value() == null || g.value() == null) yield e.value() == g.value() ? null : name + ": " + (g.value() == null ? "empty" : "not empty")
                        + ", expected " + (e.value() == null ? "empty" : "a value");
                yield mismatch(name, e.value(), g.value());
            }
            default -> name + ": cannot compare " + expected;
        };
    }

    /** Null when {@code got} matches {@code expected}, else one line naming the worst element. */
    static String mismatch(String name, Tensor expected, Tensor got) {
        if (got.dtype() != expected.dtype()) return name + ": element type " + got.dtype() + ", expected " + expected.dtype();
        if (!Arrays.equals(got.shape(), expected.shape())) {
            return name + ": shape " + Arrays.toString(got.shape()) + ", expected " + Arrays.toString(expected.shape());
        }
        return expected.dtype().isFloating() ? floats(name, expected, got) : integers(name, expected, got);
    }

    private static String floats(String name, Tensor expected, Tensor got) {
        double[] e = expected.toDoubleArray(), g = got.toDoubleArray();
        int worst = -1, bad = 0;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double excess = excess(e[i], g[i]);
            if (excess > 0) {
                bad++;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        return worst < 0 ? null : describe(name, expected, worst, g[worst], e[worst], bad, e.length);
    }

    /** How far {@code g} is outside the tolerance around {@code e}: 0 inside, infinite for NaN or infinity mismatches. */
    static double excess(double e, double g) {
        if (Double.isNaN(e) || Double.isNaN(g)) return Double.isNaN(e) && Double.isNaN(g) ? 0 : Double.POSITIVE_INFINITY;
        if (Double.isInfinite(e) || Double.isInfinite(g)) return e == g ? 0 : Double.POSITIVE_INFINITY;
        return Math.max(0, Math.abs(g - e) - (ATOL + RTOL * Math.abs(e)));
    }

    private static String integers(String name, Tensor expected, Tensor got) {
        long[] e = expected.toLongArray(), g = got.toLongArray();
        int worst = -1, bad = 0;
        for (int i = 0; i < e.length; i++) {
            if (e[i] != g[i]) {
                bad++;
                if (worst < 0 || Math.abs((double) g[i] - e[i]) > Math.abs((double) g[worst] - e[worst])) worst = i;
            }
        }
        return worst < 0 ? null : describe(name, expected, worst, g[worst], e[worst], bad, e.length);
    }

    private static String describe(String name, Tensor t, int flat, double got, double expected, int bad, int n) {
        long[] idx = new long[t.rank()];
        long rest = flat;
        for (int d = idx.length - 1; d >= 0; d--) {
            idx[d] = rest % t.dim(d);
            rest /= t.dim(d);
        }
        return String.format(Locale.ROOT, "%s%s = %s, expected %s (%d of %d elements differ)", name, Arrays.toString(idx), show(got, t.dtype()),
                show(expected, t.dtype()), bad, n);
    }

    private static String show(double v, DType dt) {
        return dt.isFloating() ? String.format(Locale.ROOT, "%.7g", v) : Long.toString((long) v);
    }
}
