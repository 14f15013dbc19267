package dev.panamax.onnx.ops;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Cast between numbers and strings as ONNX's reference does it (NumPy): a float becomes the shortest decimal that
 * reads back as the same value, written the way NumPy's {@code str} writes a float32/float64 scalar (positional from
 * 1e-4 up to 1e16, else {@code 1.5e-05}; {@code nan}, {@code inf}); a string is read as Python's {@code float()}
 * reads it (surrounding blanks, a sign, {@code inf}/{@code infinity}/{@code nan} in any case) and then rounded to the
 * target type.
 */
final class Strings {
    /** {@code TensorProto.DataType.STRING}. */
    static final int ONNX_STRING = 8;

    private Strings() {}

    /** {@code v} (a numeric or string tensor) converted to {@code to}, null meaning strings; always a new value. */
    static Object cast(Object v, DType to) {
        if (v instanceof StringTensor s) {
            if (to == null) return s;
            double[] d = new double[s.data().length];
            for (int i = 0; i < d.length; i++) d[i] = parse(s.data()[i]);
            try (Tensor t = Tensor.of(d, s.shape())) {
                return t.to(to);
            }
        }
        Tensor t = Values.tensor(v, "Cast input");
        if (to != null) return t.to(to);
        boolean single = t.dtype() != DType.F64;
        String[] out = new String[Math.toIntExact(t.numel())];
        if (t.dtype().isFloating()) {
            double[] d = t.toDoubleArray();
            for (int i = 0; i < out.length; i++) out[i] = format(d[i], single);
        } else {
            long[] l = t.toLongArray();
            for (int i = 0; i < out.length; i++) out[i] = t.dtype() == DType.U64 ? Long.toUnsignedString(l[i]) : Long.toString(l[i]);
        }
        return new StringTensor(t.shape(), out);
    }

    /** Python's {@code float(s)}. */
    static double parse(String s) {
        String t = s.strip();
        String u = t.toLowerCase(Locale.ROOT);
        String body = u.startsWith("+") || u.startsWith("-") ? u.substring(1) : u;
        double sign = u.startsWith("-") ? -1 : 1;
        if (body.equals("inf") || body.equals("infinity")) return sign * Double.POSITIVE_INFINITY;
        if (body.equals("nan")) return Double.NaN;
        if (!body.matches("(\\d[\\d_]*)?(\\.\\d*)?(e[+-]?\\d+)?") || body.isEmpty() || body.startsWith(".") && body.length() == 1) {
            throw new IllegalArgumentException("Cast: could not convert string to float: '" + s + "'");
        }
        return Double.parseDouble(t.replace("_", ""));
    }

    /** NumPy's {@code str} of a float32 ({@code single}) or float64 scalar. */
    static String format(double v, boolean single) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return 1 / v < 0 ? "-0.0" : "0.0";
        // The shortest digits that read back as the same float (Java's toString finds them, since JDK 19).
        BigDecimal d = new BigDecimal(single ? Float.toString((float) v) : Double.toString(v)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e16) {
            String p = d.toPlainString();
            return p.contains(".") ? p : p + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
}
