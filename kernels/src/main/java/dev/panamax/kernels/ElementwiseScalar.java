package dev.panamax.kernels;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.UnaryOp;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Scalar twins of {@link ElementwiseVector}: the test oracle, the tail loops and the path taken when the
 * Vector API is off. Offsets and lengths are in elements; all buffers are contiguous (byte[]-backed heap segments work too, hence the unaligned layouts); {@code out} may alias an
 * input at the same offset.
 */
public final class ElementwiseScalar {
    private ElementwiseScalar() {}

    /** out[i] = op(a[i], b[i]) for i in [0, n). */
    public static void binaryF32(BinaryOp op, MemorySegment out, long outOff,
                                 MemorySegment a, long aOff, MemorySegment b, long bOff, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(JAVA_FLOAT_UNALIGNED, outOff + i,
                    op.apply(a.getAtIndex(JAVA_FLOAT_UNALIGNED, aOff + i), b.getAtIndex(JAVA_FLOAT_UNALIGNED, bOff + i)));
        }
    }

    /** out[i] = op(a[i], b[i]) for i in [0, n). */
    public static void binaryF64(BinaryOp op, MemorySegment out, long outOff,
                                 MemorySegment a, long aOff, MemorySegment b, long bOff, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(JAVA_DOUBLE_UNALIGNED, outOff + i,
                    op.apply(a.getAtIndex(JAVA_DOUBLE_UNALIGNED, aOff + i), b.getAtIndex(JAVA_DOUBLE_UNALIGNED, bOff + i)));
        }
    }

    /** out[i] = op(a[i]) for i in [0, n). */
    public static void unaryF32(UnaryOp op, MemorySegment out, long outOff, MemorySegment a, long aOff, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(JAVA_FLOAT_UNALIGNED, outOff + i, op.apply(a.getAtIndex(JAVA_FLOAT_UNALIGNED, aOff + i)));
        }
    }

    /** out[i] = op(a[i]) for i in [0, n). */
    public static void unaryF64(UnaryOp op, MemorySegment out, long outOff, MemorySegment a, long aOff, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(JAVA_DOUBLE_UNALIGNED, outOff + i, op.apply(a.getAtIndex(JAVA_DOUBLE_UNALIGNED, aOff + i)));
        }
    }
}
