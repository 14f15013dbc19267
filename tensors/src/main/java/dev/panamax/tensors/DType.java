package dev.panamax.tensors;

import java.lang.foreign.ValueLayout;

/**
 * Element types. F32 is the working type; F64 exists for gradient checks; I32 and I64 hold labels and
 * indices; U8 holds raw image bytes and the 0/1 masks that comparisons return.
 */
public enum DType {
    U8(1, false), I32(4, false), I64(8, false), F32(4, true), F64(8, true);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return floating;
    }

    public ValueLayout layout() {
        return switch (this) {
            case U8 -> ValueLayout.JAVA_BYTE;
            case I32 -> ValueLayout.JAVA_INT;
            case I64 -> ValueLayout.JAVA_LONG;
            case F32 -> ValueLayout.JAVA_FLOAT;
            case F64 -> ValueLayout.JAVA_DOUBLE;
        };
    }

    /**
     * NumPy/PyTorch promotion for two tensors: the wider of two integer or two floating types; a floating
     * type wins over any integer type (so I64 with F32 gives F32, as in PyTorch).
     */
    public static DType promote(DType a, DType b) {
        if (a.floating != b.floating) return a.floating ? a : b;
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** The type of {@code tensor op scalar}: a Java scalar is "weak" and never widens a tensor's type,
     * except that a fractional scalar turns an integer tensor into F32. */
    public static DType promoteWithScalar(DType tensor, double scalar) {
        if (tensor.floating || scalar == Math.rint(scalar) && !Double.isInfinite(scalar)) return tensor;
        return F32;
    }

    /** The floating type an integer tensor becomes for math that needs fractions (division, exp, mean...). */
    public DType toFloating() {
        return floating ? this : F32;
    }
}
