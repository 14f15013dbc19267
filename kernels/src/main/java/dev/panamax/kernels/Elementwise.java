package dev.panamax.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Elementwise kernels over contiguous memory: {@code out[i] = op(a[i] [, b[i]])} for {@code i} in
 * {@code [0, n)}. Offsets and {@code n} are in elements. {@code out} may be the same memory as an input at
 * the same offset (in-place); partial overlap is not allowed. Runs the Vector API kernel when
 * {@link Simd#ENABLED}, else the scalar reference {@link ElementwiseScalar}.
 */
public final class Elementwise {
    private Elementwise() {}

    public static void binaryF32(BinaryOp op, MemorySegment out, long outOff,
                                 MemorySegment a, long aOff, MemorySegment b, long bOff, long n) {
        if (Simd.ENABLED) ElementwiseVector.binaryF32(op, out, outOff, a, aOff, b, bOff, n);
        else ElementwiseScalar.binaryF32(op, out, outOff, a, aOff, b, bOff, n);
    }

    public static void binaryF64(BinaryOp op, MemorySegment out, long outOff,
                                 MemorySegment a, long aOff, MemorySegment b, long bOff, long n) {
        if (Simd.ENABLED) ElementwiseVector.binaryF64(op, out, outOff, a, aOff, b, bOff, n);
        else ElementwiseScalar.binaryF64(op, out, outOff, a, aOff, b, bOff, n);
    }

    public static void unaryF32(UnaryOp op, MemorySegment out, long outOff, MemorySegment a, long aOff, long n) {
        if (Simd.ENABLED) ElementwiseVector.unaryF32(op, out, outOff, a, aOff, n);
        else ElementwiseScalar.unaryF32(op, out, outOff, a, aOff, n);
    }

    public static void unaryF64(UnaryOp op, MemorySegment out, long outOff, MemorySegment a, long aOff, long n) {
        if (Simd.ENABLED) ElementwiseVector.unaryF64(op, out, outOff, a, aOff, n);
        else ElementwiseScalar.unaryF64(op, out, outOff, a, aOff, n);
    }
}
