package dev.panamax.kernels.norm;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batch-norm kernel against the formulas evaluated plainly in double: the Vector API path (native segments), its
 * scalar F32 twin (heap segments) and the F64 path, on shapes with channels past the last whole vector, more rows
 * than one block of column sums, one row and one channel; and offsets into larger buffers.
 */
class BatchNormKernelTest {
    static final long[][] SHAPES = {{1, 1}, {1, 5}, {3, 7}, {6, 1}, {257, 9}, {600, 37}, {1000, 64}, {513, 16}};
    static final double EPS = 1e-3;

    /** mean, var, rstd, y, then dx, dgamma, dbeta, in double from the definitions. */
    static double[][] reference(double[] x, double[] gamma, double[] beta, double[] g, int rows, int cols) {
        double[] mean = new double[cols], var = new double[cols], rstd = new double[cols], y = new double[x.length];
        double[] dx = new double[x.length], dgamma = new double[cols], dbeta = new double[cols];
        for (int c = 0; c < cols; c++) {
            double s = 0, ss = 0;
            for (int r = 0; r < rows; r++) s += x[r * cols + c];
            mean[c] = s / rows;
            for (int r = 0; r < rows; r++) ss += Math.pow(x[r * cols + c] - mean[c], 2);
            var[c] = ss / rows;
            rstd[c] = 1 / Math.sqrt(var[c] + EPS);
            double sg = 0, sgx = 0;
            for (int r = 0; r < rows; r++) {
                double xhat = (x[r * cols + c] - mean[c]) * rstd[c];
                y[r * cols + c] = xhat * gamma[c] + beta[c];
                sg += g[r * cols + c];
                sgx += g[r * cols + c] * xhat;
            }
            dgamma[c] = sgx;
            dbeta[c] = sg;
            for (int r = 0; r < rows; r++) {
                double xhat = (x[r * cols + c] - mean[c]) * rstd[c];
                dx[r * cols + c] = gamma[c] * rstd[c] * (g[r * cols + c] - sg / rows - xhat * sgx / rows);
            }
        }
        return new double[][] {mean, var, rstd, y, dx, dgamma, dbeta};
    }

    static double[] random(SplittableRandom r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return v;
    }

    /**
     * Runs the kernel at precision {@code width} on native or heap segments, every array placed {@code pad} elements into
     * its buffer; a shared arena, as the kernel splits large shapes over the worker threads.
     */
    static double[][] run(int width, boolean nativeMemory, double[] x, double[] gamma, double[] beta, double[] g, int rows, int cols, int pad) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment xs = put(width, nativeMemory, arena, x, pad), gs = put(width, nativeMemory, arena, gamma, pad),
                    bs = put(width, nativeMemory, arena, beta, pad), ups = put(width, nativeMemory, arena, g, pad);
            MemorySegment y = put(width, nativeMemory, arena, new double[x.length], pad), mean = put(width, nativeMemory, arena, new double[cols], pad),
                    var = put(width, nativeMemory, arena, new double[cols], pad), rstd = put(width, nativeMemory, arena, new double[cols], pad),
                    dx = put(width, nativeMemory, arena, new double[x.length], pad), dgamma = put(width, nativeMemory, arena, new double[cols], pad),
                    dbeta = put(width, nativeMemory, arena, new double[cols], pad);
            BatchNorm.forward(width, y, pad, mean, pad, var, pad, rstd, pad, xs, pad, gs, pad, bs, pad, rows, cols, EPS);
            BatchNorm.backward(width, dx, pad, dgamma, pad, dbeta, pad, ups, pad, xs, pad, gs, pad, mean, pad, rstd, pad, rows, cols);
            return new double[][] {get(width, mean, pad, cols), get(width, var, pad, cols), get(width, rstd, pad, cols), get(width, y, pad, x.length),
                    get(width, dx, pad, x.length), get(width, dgamma, pad, cols), get(width, dbeta, pad, cols)};
        }
    }

    static MemorySegment put(int width, boolean nativeMemory, Arena arena, double[] v, int pad) {
        int n = v.length + 2 * pad;
        MemorySegment s = nativeMemory ? arena.allocate((long) n * width, 64) : width == 8 ? MemorySegment.ofArray(new double[n])
                : MemorySegment.ofArray(new float[n]);
        for (int i = 0; i < v.length; i++) {
            if (width == 8) s.setAtIndex(JAVA_DOUBLE, pad + i, v[i]);
            else s.setAtIndex(JAVA_FLOAT, pad + i, (float) v[i]);
        }
        return s;
    }

    static double[] get(int width, MemorySegment s, int pad, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = width == 8 ? s.getAtIndex(JAVA_DOUBLE, pad + i) : s.getAtIndex(JAVA_FLOAT, pad + i);
        return v;
    }

    @Test
    void everyPathMatchesTheDefinitions() {
        SplittableRandom rnd = new SplittableRandom(3);
        String[] names = {"mean", "var", "rstd", "y", "dx", "dgamma", "dbeta"};
        for (long[] shape : SHAPES) {
            int rows = (int) shape[0], cols = (int) shape[1];
            // Channels away from zero (an offset of 3): the variance must not come from a difference of large squares.
            double[] x = random(rnd, rows * cols, 1, 5), gamma = random(rnd, cols, 0.5, 2), beta = random(rnd, cols, -1, 1), g = random(rnd, rows * cols, -1, 1);
            double[][] want = reference(x, gamma, beta, g, rows, cols);
            for (int width : new int[] {4, 8}) {
                for (boolean nativeMemory : new boolean[] {true, false}) {
                    double[][] got = run(width, nativeMemory, x, gamma, beta, g, rows, cols, 3);
                    double tol = width == 8 ? 1e-9 : 2e-4;
                    for (int k = 0; k < want.length; k++) {
                        // rstd is 1/sqrt(eps) ≈ 31.6 for a single row: tolerances relative to the value's size.
                        double scale = java.util.Arrays.stream(want[k]).map(Math::abs).max().orElse(1) + 1;
                        String what = names[k] + " of (" + rows + ", " + cols + "), width " + width + (nativeMemory ? ", native" : ", heap");
                        assertArrayEquals(want[k], got[k], tol * scale * (k >= 4 ? Math.sqrt(rows) : 1), what);
                    }
                }
            }
        }
    }

    @Test
    void theVectorPathAndItsScalarTwinAgreeAndRepeat() {
        SplittableRandom rnd = new SplittableRandom(5);
        int rows = 700, cols = 20;
        double[] x = random(rnd, rows * cols, -2, 2), gamma = random(rnd, cols, 0.5, 2), beta = random(rnd, cols, -1, 1), g = random(rnd, rows * cols, -1, 1);
        double[][] vector = run(4, true, x, gamma, beta, g, rows, cols, 0), scalar = run(4, false, x, gamma, beta, g, rows, cols, 0);
        for (int k = 0; k < vector.length; k++) assertArrayEquals(scalar[k], vector[k], 1e-4 * (1 + Math.sqrt(rows)), "output " + k);
        double[][] again = run(4, true, x, gamma, beta, g, rows, cols, 0);
        for (int k = 0; k < vector.length; k++) assertArrayEquals(vector[k], again[k], 0.0, "a second run of output " + k);
    }
}
