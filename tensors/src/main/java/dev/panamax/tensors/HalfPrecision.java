package dev.panamax.tensors;

/**
 * IEEE float16 and bfloat16 bit patterns ↔ Java numbers, as the storage types {@link DType#F16} and
 * {@link DType#BF16} hold them. Narrowing rounds to nearest, ties to even, once: float16 straight from the double
 * (as NumPy's {@code astype(float16)} does, so a double is never rounded twice); bfloat16 from the value's float32
 * (as ONNX's {@code helper.float32_to_bfloat16}, PyTorch and the hardware do). NaN stays NaN, infinities stay
 * infinite, and magnitudes past the largest finite value round to infinity.
 */
final class HalfPrecision {
    private HalfPrecision() {}

    /** The float16 nearest {@code v} (ties to even), as its 16 bits. */
    static short toF16(double v) {
        int sign = Double.doubleToRawLongBits(v) < 0 ? 0x8000 : 0;
        if (Double.isNaN(v)) return (short) (sign | 0x7e00);
        double a = Math.abs(v);
        if (a >= 65520.0) return (short) (sign | 0x7c00);  // 65520 is halfway between 65504 (the largest) and 2^16: even is infinity
        if (a < 0x1p-14) {
            // Subnormal (or zero): the value is m · 2^-24; scaling by a power of two is exact, rint ties to even, and
            // m = 1024 is exactly the encoding of the smallest normal number.
            return (short) (sign | (int) Math.rint(a * 0x1p24));
        }
        int e = Math.getExponent(a);                         // -14 … 15
        long m = (long) Math.rint(Math.scalb(a, 10 - e));    // 1024 … 2048; 2048 carries into the exponent below
        return (short) (sign | ((e + 15) << 10) + (int) (m - 1024));
    }

    /** The value of the float16 {@code bits} (every float16 is a float). */
    static float fromF16(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** The bfloat16 nearest {@code v} (ties to even), as its 16 bits: the top half of the float's bits, rounded. */
    static short toBF16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) ((bits >>> 16) | 0x0040);  // keep the sign and payload's top; stay a (quiet) NaN
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The value of the bfloat16 {@code bits}: the float whose top half they are. */
    static float fromBF16(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
