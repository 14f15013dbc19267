package dev.panamax.tensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Reading and writing single elements of any dtype as double or long: the generic (slow) paths. */
final class Elements {
    private Elements() {}

    static double getDouble(MemorySegment s, DType t, long i) {
        return switch (t) {
            case F32 -> s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            case F64 -> s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            case I32 -> s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            case I64 -> s.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
            case U8 -> Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, i));
        };
    }

    static long getLong(MemorySegment s, DType t, long i) {
        return switch (t) {
            case F32 -> (long) s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            case F64 -> (long) s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            case I32 -> s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            case I64 -> s.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
            case U8 -> Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, i));
        };
    }

    static void setDouble(MemorySegment s, DType t, long i, double v) {
        switch (t) {
            case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v);
            case F64 -> s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, v);
            case I32 -> s.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, (int) (long) v);
            case I64 -> s.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, (long) v);
            case U8 -> s.set(ValueLayout.JAVA_BYTE, i, (byte) (long) v);
        }
    }

    static void setLong(MemorySegment s, DType t, long i, long v) {
        switch (t) {
            case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v);
            case F64 -> s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, (double) v);
            case I32 -> s.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, (int) v);
            case I64 -> s.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, v);
            case U8 -> s.set(ValueLayout.JAVA_BYTE, i, (byte) v);
        }
    }
}
