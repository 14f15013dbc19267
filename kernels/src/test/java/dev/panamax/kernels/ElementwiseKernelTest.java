package dev.panamax.kernels;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.ReduceOp;
import dev.panamax.kernels.spec.UnaryOp;
import static dev.panamax.kernels.KernelTestSupport.LENGTHS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Vector API kernels against their scalar twins, on every tail length and at unaligned offsets. */
class ElementwiseKernelTest {
    @Test
    void vectorKernelsAreActiveInTests() {
        assertTrue(Simd.ENABLED, "the test JVM must load jdk.incubator.vector, or these tests only check the scalar path");
        assertTrue(Simd.floatLanes() >= 4, Simd.describe());
    }

    private static void assertClose(float want, float got, float rel, String what) {
        boolean ok = Float.isNaN(want) ? Float.isNaN(got) : want == got || Math.abs(want - got) <= rel * Math.max(1f, Math.abs(want));
        assertTrue(ok, what + ": vector " + got + " vs scalar " + want);
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryF32MatchesScalar(BinaryOp op) {
        for (int n : LENGTHS) {
            for (int off : new int[] {0, 3}) {
                MemorySegment a = KernelTestSupport.floats(n, n + off, op == BinaryOp.POW ? 0.1 : -4, 4);
                MemorySegment b = KernelTestSupport.floats(n + 99, n + off, -3, 3);
                MemorySegment want = KernelTestSupport.zeros((n + off) * 4), got = KernelTestSupport.zeros((n + off) * 4);
                ElementwiseScalar.binaryF32(op, want, off, a, off, b, off, n);
                Elementwise.binaryF32(op, got, off, a, off, b, off, n);
                for (int i = 0; i < n; i++) {
                    assertClose(want.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, off + i),
                            got.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, off + i), 2e-6f, op + " n=" + n + " i=" + i);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryF64MatchesScalar(BinaryOp op) {
        for (int n : LENGTHS) {
            MemorySegment a = KernelTestSupport.doubles(n, n, op == BinaryOp.POW ? 0.1 : -4, 4);
            MemorySegment b = KernelTestSupport.doubles(n + 1, n, -3, 3);
            MemorySegment want = KernelTestSupport.zeros(n * 8), got = KernelTestSupport.zeros(n * 8);
            ElementwiseScalar.binaryF64(op, want, 0, a, 0, b, 0, n);
            Elementwise.binaryF64(op, got, 0, a, 0, b, 0, n);
            for (int i = 0; i < n; i++) {
                double w = want.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i), g = got.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
                assertEquals(w, g, 1e-14 * Math.max(1, Math.abs(w)), op + " n=" + n + " i=" + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesScalarInBothPrecisions(UnaryOp op) {
        boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.LOG1P || op == UnaryOp.RSQRT;
        for (int n : LENGTHS) {
            MemorySegment a = KernelTestSupport.floats(n, n + 1, positive ? 0.01 : -5, 5);
            MemorySegment want = KernelTestSupport.zeros(n * 4 + 4), got = KernelTestSupport.zeros(n * 4 + 4);
            ElementwiseScalar.unaryF32(op, want, 0, a, 1, n);
            Elementwise.unaryF32(op, got, 0, a, 1, n);
            for (int i = 0; i < n; i++) {
                assertClose(want.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), got.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i),
                        3e-6f, op + " f32 n=" + n + " i=" + i);
            }
            MemorySegment d = KernelTestSupport.doubles(n, n, positive ? 0.01 : -5, 5);
            MemorySegment wantD = KernelTestSupport.zeros(n * 8), gotD = KernelTestSupport.zeros(n * 8);
            ElementwiseScalar.unaryF64(op, wantD, 0, d, 0, n);
            Elementwise.unaryF64(op, gotD, 0, d, 0, n);
            for (int i = 0; i < n; i++) {
                double w = wantD.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i), g = gotD.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
                assertEquals(w, g, 1e-13 * Math.max(1, Math.abs(w)), op + " f64 n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void specialValuesFollowTheScalarDefinition() {
        float[] xs = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 1e-30f, -1e30f, 88.8f, -104f};
        MemorySegment a = KernelTestSupport.zeros(64 * 4);
        for (int i = 0; i < 64; i++) a.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, xs[i % xs.length]);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.SIGMOID, UnaryOp.EXP, UnaryOp.ABS, UnaryOp.NEG, UnaryOp.TANH}) {
            MemorySegment want = KernelTestSupport.zeros(256), got = KernelTestSupport.zeros(256);
            ElementwiseScalar.unaryF32(op, want, 0, a, 0, 64);
            Elementwise.unaryF32(op, got, 0, a, 0, 64);
            for (int i = 0; i < 64; i++) {
                assertClose(want.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), got.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i),
                        3e-6f, op + " of " + xs[i % xs.length]);
            }
        }
    }

    @Test
    void heapSegmentsTakeTheScalarPathWithTheSameResults() {
        MemorySegment a = KernelTestSupport.floats(3, 50, -1, 1);
        MemorySegment heap = MemorySegment.ofArray(new byte[50 * 4]);
        MemorySegment.copy(a, 0, heap, 0, 200);
        MemorySegment outNative = KernelTestSupport.zeros(200), outHeap = MemorySegment.ofArray(new byte[200]);
        Elementwise.unaryF32(UnaryOp.TANH, outNative, 0, a, 0, 50);
        Elementwise.unaryF32(UnaryOp.TANH, outHeap, 0, heap, 0, 50);
        for (int i = 0; i < 50; i++) {
            assertClose(outHeap.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), outNative.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i),
                    3e-6f, "tanh " + i);
        }
        assertEquals(Reduce.reduceF32(ReduceOp.MAX, a, 0, 50), Reduce.reduceF32(ReduceOp.MAX, heap, 0, 50));
    }

    @Test
    void inPlaceAliasingIsAllowed() {
        MemorySegment a = KernelTestSupport.floats(5, 100, -1, 1);
        MemorySegment copy = KernelTestSupport.zeros(400);
        MemorySegment.copy(a, 0, copy, 0, 400);
        Elementwise.binaryF32(BinaryOp.ADD, a, 0, a, 0, a, 0, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals(2 * copy.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
        }
    }
}
