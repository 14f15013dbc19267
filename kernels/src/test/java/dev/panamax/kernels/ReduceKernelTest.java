package dev.panamax.kernels;

import dev.panamax.kernels.spec.ReduceOp;
import static dev.panamax.kernels.KernelTestSupport.LENGTHS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class ReduceKernelTest {
    @Test
    void reductionsMatchScalarOnEveryTail() {
        for (int n : LENGTHS) {
            if (n == 0) continue;
            MemorySegment f = KernelTestSupport.floats(n, n + 2, -10, 10);
            MemorySegment d = KernelTestSupport.doubles(n, n, -10, 10);
            double exact = 0;
            for (int i = 0; i < n; i++) exact += f.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 2 + i);
            assertEquals(exact, Reduce.reduceF32(ReduceOp.SUM, f, 2, n), 1e-5 * n, "sum n=" + n);
            for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
                assertEquals(ReduceScalar.reduceF32(op, f, 2, n), Reduce.reduceF32(op, f, 2, n), op + " n=" + n);
                assertEquals(ReduceScalar.reduceF64(op, d, 0, n), Reduce.reduceF64(op, d, 0, n), op + " n=" + n);
            }
            assertEquals(ReduceScalar.reduceF64(ReduceOp.SUM, d, 0, n), Reduce.reduceF64(ReduceOp.SUM, d, 0, n), 1e-12 * n);
            for (boolean max : new boolean[] {true, false}) {
                assertEquals(ReduceScalar.argF32(max, f, 2, n), Reduce.argF32(max, f, 2, n), "arg n=" + n);
                assertEquals(ReduceScalar.argF64(max, d, 0, n), Reduce.argF64(max, d, 0, n), "arg n=" + n);
            }
        }
        assertEquals(0f, Reduce.reduceF32(ReduceOp.SUM, KernelTestSupport.zeros(4), 0, 0));
    }

    @Test
    void argmaxOfInfinitiesAndTiesAcrossBlocks() {
        MemorySegment f = KernelTestSupport.zeros(40 * 4);
        for (int i = 0; i < 40; i++) f.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, Float.NEGATIVE_INFINITY);
        assertEquals(0, Reduce.argF32(true, f, 0, 32), "all -inf: the first index");
        assertEquals(0, Reduce.argF32(false, f, 0, 40));
        f.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 37, 5f);
        f.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 19, 5f);
        assertEquals(19, Reduce.argF32(true, f, 0, 40), "first of equal maxima, in a different block from the tail");
        assertEquals(37, Reduce.argF32(true, f, 20, 20) + 20);
    }

    @Test
    void nanPropagatesAndWinsArgmax() {
        MemorySegment f = KernelTestSupport.floats(1, 40, -1, 1);
        f.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 37, Float.NaN);
        assertEquals(Float.NaN, Reduce.reduceF32(ReduceOp.MAX, f, 0, 40));
        assertEquals(37, Reduce.argF32(true, f, 0, 40));
        assertEquals(37, Reduce.argF32(false, f, 0, 40));
    }

    /** The sum of squares against a double-precision sum, over lengths around the vector and unrolled bodies. */
    @Test
    void sumOfSquaresMatchesADoubleSum() {
        for (int n : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 1000}) {
            MemorySegment f = KernelTestSupport.zeros((n + 2) * 4), d = KernelTestSupport.zeros((n + 2) * 8);
            double exact = 0;
            for (int i = 0; i < n; i++) {
                float x = (float) Math.sin(i * 0.7) * 3;
                f.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i + 2, x);
                d.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i + 2, x);
                exact += (double) x * x;
            }
            assertEquals(exact, Reduce.sumOfSquares(4, f, 2, n), 1e-5 * (exact + 1), "F32 n=" + n);
            assertEquals(exact, Reduce.sumOfSquares(8, d, 2, n), 1e-12 * (exact + 1), "F64 n=" + n);
            assertEquals(ReduceScalar.sumOfSquaresF32(f, 2, 0, n), Reduce.sumOfSquares(4, f, 2, n), 1e-5 * (exact + 1), "twin n=" + n);
            assertEquals(exact, ReduceScalar.sumOfSquaresF64(d, 2, 0, n), 1e-12 * (exact + 1), "F64 twin n=" + n);
        }
    }
}
