package dev.panamax.kernels.activation;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused bias + GELU against the definition in double precision (Gelu's F64 forms), both forms, on a shape large
 * enough to be split over threads (rows forward, column blocks backward) and with a vector tail.
 */
class BiasGeluTest {
    static MemorySegment random(int width, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment m = Arena.ofAuto().allocate((long) n * width, 64);
        for (int i = 0; i < n; i++) {
            double v = r.nextDouble(-3, 3);
            if (width == 4) m.setAtIndex(JAVA_FLOAT_UNALIGNED, i, (float) v);
            else m.setAtIndex(JAVA_DOUBLE_UNALIGNED, i, (float) v);
        }
        return m;
    }

    static double at(int width, MemorySegment m, long i) {
        return width == 4 ? m.getAtIndex(JAVA_FLOAT_UNALIGNED, i) : m.getAtIndex(JAVA_DOUBLE_UNALIGNED, i);
    }

    @Test
    void matchesTheDefinitionInBothFormsAndWidths() {
        int rows = 300, cols = 203;
        for (boolean tanh : new boolean[] {false, true}) {
            for (int width : new int[] {4, 8}) {
                MemorySegment x = random(width, rows * cols, 1), b = random(width, cols, 2), g = random(width, rows * cols, 3);
                MemorySegment y = Arena.ofAuto().allocate((long) rows * cols * width), dx = Arena.ofAuto().allocate((long) rows * cols * width);
                MemorySegment db = Arena.ofAuto().allocate((long) cols * width);
                BiasGelu.forward(width, tanh, y, 0, x, 0, b, 0, rows, cols);
                BiasGelu.backward(width, tanh, dx, 0, db, 0, g, 0, x, 0, b, 0, rows, cols);
                double tol = width == 4 ? 1e-5 : 1e-12;
                for (int c = 0; c < cols; c++) {
                    double sum = 0;
                    for (int r = 0; r < rows; r++) {
                        int i = r * cols + c;
                        double h = at(width, x, i) + at(width, b, c), d = at(width, g, i) * Gelu.slopeF64(tanh, h);
                        String where = (tanh ? "tanh" : "exact") + " width " + width + " at (" + r + ", " + c + ")";
                        assertEquals(Gelu.valueF64(tanh, h), at(width, y, i), tol * (1 + Math.abs(h)), "y " + where);
                        assertEquals(d, at(width, dx, i), tol * (1 + Math.abs(d)), "dx " + where);
                        sum += d;
                    }
                    assertEquals(sum, at(width, db, c), tol * rows, "db column " + c);
                }
            }
        }
    }
}
