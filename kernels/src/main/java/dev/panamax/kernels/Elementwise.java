package dev.panamax.kernels;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.UnaryOp;
import java.lang.foreign.MemorySegment;

/**
 * Elementwise kernels over contiguous memory: {@code out[i] = op(a[i] [, b[i]])} for {@code i} in
 * {@code [0, n)}. Offsets and {@code n} are in elements. {@code out} may be the same memory as an input at
 * the same offset (in-place); partial overlap is not allowed. Runs the Vector API kernel when
 * {@link Simd#ENABLED} and every segment is native, else the scalar reference {@link ElementwiseScalar}.
 *
 * <p>Heap segments take the scalar path on purpose: when one vector call site sees both heap and native
 * segments, C2 stops intrinsifying the loads and boxes every vector (measured: 16 KB of garbage per
 * 1,000-element sum). Off-heap tensors never pay for that.
 */
public final class Elementwise {
    private Elementwise() {}

    public static void binaryF32(BinaryOp op, MemorySegment out, long outOff,
                                 MemorySegment a, long aOff, MemorySegment b, long bOff, long n) {
        if (Simd.ENABLED && Simd.native3(out, a, b)) ElementwiseVector.binaryF32(op, out, outOff, a, aOff, b, bOff, n);
        else ElementwiseScalar.binaryF32(op, out, outOff, a, aOff, b, bOff, n);
    }

    public static void binaryF64(BinaryOp op, MemorySegment out, long outOff,
                                 MemorySegment a, long aOff, MemorySegment b, long bOff, long n) {
        if (Simd.ENABLED && Simd.native3(out, a, b)) ElementwiseVector.binaryF64(op, out, outOff, a, aOff, b, bOff, n);
        else ElementwiseScalar.binaryF64(op, out, outOff, a, aOff, b, bOff, n);
    }

    public static void unaryF32(UnaryOp op, MemorySegment out, long outOff, MemorySegment a, long aOff, long n) {
        if (Simd.ENABLED && Simd.native3(out, a, a)) ElementwiseVector.unaryF32(op, out, outOff, a, aOff, n);
        else ElementwiseScalar.unaryF32(op, out, outOff, a, aOff, n);
    }

    public static void unaryF64(UnaryOp op, MemorySegment out, long outOff, MemorySegment a, long aOff, long n) {
        if (Simd.ENABLED && Simd.native3(out, a, a)) ElementwiseVector.unaryF64(op, out, outOff, a, aOff, n);
        else ElementwiseScalar.unaryF64(op, out, outOff, a, aOff, n);
    }
}
