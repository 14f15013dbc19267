package dev.panamax.tensors;

import java.lang.foreign.ValueLayout;

/**
 * Element types. F32 is the working type; F64 exists for gradient checks; I32 and I64 hold labels and
 * indices; U8 holds raw image bytes and the 0/1 masks that comparisons return.
 *
 * <p>The rest are <em>storage types</em>, for data that arrives in them (ONNX models and their test data): they
 * are read, written, copied and converted ({@link Tensor#to}), and nothing computes in them. A caller that needs
 * math converts to the {@link #compute()} type, which holds every value exactly (F16 and BF16 in F32; I8, I16 and
 * U16 in I32; U32 in I64; U64 in I64 as the same 64 bits, so values from 2⁶³ read as negative), and back.
 * Conversions into F16 and BF16 round to nearest, ties to even, keeping NaN and infinities.
 */
public enum DType {
    /** Unsigned 8-bit integers: image bytes and comparison masks (0 or 1). */
    U8(1, false),
    /** 32-bit signed integers: labels and token ids. */
    I32(4, false),
    /** 64-bit signed integers: labels and indices (PyTorch's default integer type). */
    I64(8, false),
    /** 32-bit IEEE floats: the working type of every model. */
    F32(4, true),
    /** 64-bit IEEE floats: gradient checks and reference computations. */
    F64(8, true),
    /** Signed 8-bit integers (storage only; computes as I32). */
    I8(1, false),
    /** Signed 16-bit integers (storage only; computes as I32). */
    I16(2, false),
    /** Unsigned 16-bit integers (storage only; computes as I32). */
    U16(2, false),
    /** Unsigned 32-bit integers (storage only; computes as I64). */
    U32(4, false),
    /** Unsigned 64-bit integers (storage only; computes as I64, the same 64 bits). */
    U64(8, false),
    /** IEEE half-precision floats (storage only; computes as F32). */
    F16(2, true),
    /** bfloat16: F32's exponent with 8 mantissa bits (storage only; computes as F32). */
    BF16(2, true);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /** {@return the size of one element in bytes} */
    public int byteSize() {
        return byteSize;
    }

    /** {@return whether the type holds floating-point values (F32, F64, F16, BF16)} */
    public boolean isFloating() {
        return floating;
    }

    /** {@return whether this is a storage type: kernels never see it (see the class comment)} */
    public boolean isStorageOnly() {
        return ordinal() > F64.ordinal();
    }

    /** {@return the type that computes on this one's values exactly: itself for the compute types} */
    public DType compute() {
        return switch (this) {
            case U8, I32, I64, F32, F64 -> this;
            case I8, I16, U16 -> I32;
            case U32, U64 -> I64;
            case F16, BF16 -> F32;
        };
    }

    /**
     * {@return the Java memory layout an element is read and written with (unsigned and half types as their signed
     * carrier of the same width)}
     */
    public ValueLayout layout() {
        return switch (this) {
            case U8, I8 -> ValueLayout.JAVA_BYTE;
            case I16, U16, F16, BF16 -> ValueLayout.JAVA_SHORT;
            case I32, U32 -> ValueLayout.JAVA_INT;
            case I64, U64 -> ValueLayout.JAVA_LONG;
            case F32 -> ValueLayout.JAVA_FLOAT;
            case F64 -> ValueLayout.JAVA_DOUBLE;
        };
    }

    /**
     * NumPy/PyTorch promotion for two tensors: the wider of two integer or two floating types; a floating
     * type wins over any integer type (so I64 with F32 gives F32, as in PyTorch). Storage types promote as
     * their compute types.
     *
     * @param a one operand's type
     * @param b the other's
     * @return the result type
     */
    public static DType promote(DType a, DType b) {
        a = a.compute();
        b = b.compute();
        if (a.floating != b.floating) return a.floating ? a : b;
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /**
     *  The type of {@code tensor op scalar}: a Java scalar is "weak" and never widens a tensor's type,
     * except that a fractional scalar turns an integer tensor into F32.
     *
     * @param tensor the tensor's type
     * @param scalar the Java scalar
     * @return the result type
     */
    public static DType promoteWithScalar(DType tensor, double scalar) {
        if (tensor.floating || scalar == Math.rint(scalar) && !Double.isInfinite(scalar)) return tensor;
        return F32;
    }

    /** {@return the floating type an integer tensor becomes for math that needs fractions (division, exp, mean...)} */
    public DType toFloating() {
        return floating ? this : F32;
    }
}
