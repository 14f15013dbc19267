package dev.panamax.tensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reading and writing single elements of any dtype as double or long: the generic (slow) paths. Unsigned types
 * read as their unsigned value (U64 as a long holds the same 64 bits); writes wrap to the type's width like a C
 * cast, and floats written to F16/BF16 round to nearest even ({@link HalfPrecision}).
 */
final class Elements {
    private static final double TWO_63 = 0x1p63;

    private Elements() {}

    static double getDouble(MemorySegment s, DType t, long i) {
        return switch (t) {
            case F32 -> s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            case F64 -> s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            case F16 -> HalfPrecision.fromF16(s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
            case BF16 -> HalfPrecision.fromBF16(s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
            case U64 -> {
                long v = s.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
                yield v >= 0 ? v : (double) (v >>> 1 | v & 1) * 2.0;  // unsigned: halve (keeping the sticky bit), convert, double
            }
            default -> getLong(s, t, i);
        };
    }

    static long getLong(MemorySegment s, DType t, long i) {
        return switch (t) {
            case F32, F64, F16, BF16 -> (long) getDouble(s, t, i);
            case I32 -> s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            case I64, U64 -> s.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
            case U8 -> Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, i));
            case I8 -> s.get(ValueLayout.JAVA_BYTE, i);
            case I16 -> s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
            case U16 -> Short.toUnsignedInt(s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
            case U32 -> Integer.toUnsignedLong(s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i));
        };
    }

    static void setDouble(MemorySegment s, DType t, long i, double v) {
        switch (t) {
            case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v);
            case F64 -> s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, v);
            case F16 -> s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, HalfPrecision.toF16(v));
            case BF16 -> s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, HalfPrecision.toBF16((float) v));
            case U64 -> setLong(s, t, i, v >= TWO_63 ? (long) (v - TWO_63) + Long.MIN_VALUE : (long) v);
            default -> setLong(s, t, i, (long) v);
        }
    }

    static void setLong(MemorySegment s, DType t, long i, long v) {
        switch (t) {
            case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v);
            case F64, F16, BF16 -> setDouble(s, t, i, (double) v);
            case I32, U32 -> s.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, (int) v);
            case I64, U64 -> s.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, v);
            case U8, I8 -> s.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            case I16, U16 -> s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) v);
        }
    }
}
