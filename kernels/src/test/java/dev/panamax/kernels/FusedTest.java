package dev.panamax.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class FusedTest {
    static float at(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    @Test
    void softmaxAndLogSoftmaxRowsMatchDoublePrecisionDefinition() {
        for (int cols : new int[] {1, 3, 10, 17, 64, 1001}) {
            int rows = 3;
            MemorySegment x = KernelTestSupport.floats(cols, rows * cols, -30, 30);
            x.setAtIndex(JAVA_FLOAT_UNALIGNED, 0, 500f);  // would overflow exp without the max shift
            MemorySegment sm = KernelTestSupport.zeros(rows * cols * 4), ls = KernelTestSupport.zeros(rows * cols * 4);
            Fused.softmaxRows(sm, 0, x, 0, rows, cols);
            Fused.logSoftmaxRows(ls, 0, x, 0, rows, cols);
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < cols; j++) max = Math.max(max, at(x, r * cols + j));
                for (int j = 0; j < cols; j++) sum += Math.exp(at(x, r * cols + j) - max);
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(at(x, r * cols + j) - max) / sum;
                    assertEquals(p, at(sm, r * cols + j), 1e-6, "softmax cols=" + cols);
                    assertEquals(at(x, r * cols + j) - max - Math.log(sum), at(ls, r * cols + j), 1e-4, "log-softmax cols=" + cols);
                }
            }
        }
    }

    @Test
    void softmaxCrossEntropyLossAndGradientMatchReference() {
        int n = 7, c = 10;
        MemorySegment logits = KernelTestSupport.floats(1, n * c, -5, 5);
        MemorySegment labels = Arena.ofAuto().allocate(n * 8L, 8);
        long[] lab = {0, 9, 3, 3, 5, 1, 8};
        for (int i = 0; i < n; i++) labels.setAtIndex(JAVA_LONG_UNALIGNED, i, lab[i]);
        float[] lg = new float[n * c], want = new float[n * c];
        for (int i = 0; i < n * c; i++) lg[i] = at(logits, i);
        double wantLoss = SoftmaxCrossEntropy.reference(lg, lab, n, c, want, 1f);
        MemorySegment grad = KernelTestSupport.zeros(n * c * 4);
        double loss = SoftmaxCrossEntropy.forwardBackward(logits, 0, labels, 0, n, c, grad, 0, 1f);
        assertEquals(wantLoss, loss, 1e-6);
        for (int i = 0; i < n * c; i++) assertEquals(want[i], at(grad, i), 1e-7, "grad " + i);
        assertEquals(wantLoss, SoftmaxCrossEntropy.forwardBackward(logits, 0, labels, 0, n, c, null, 0, 1f), 1e-6);
        labels.setAtIndex(JAVA_LONG_UNALIGNED, 2, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.forwardBackward(logits, 0, labels, 0, n, c, grad, 0, 1f));
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
    }

    /** Shapes that hit vector tails, one column, a single row and the multi-threaded splits (rows and column blocks). */
    static final int[][] BIAS_SHAPES = {{1, 1}, {3, 7}, {5, 16}, {2, 17}, {4, 33}, {9, 48}, {700, 32}, {1100, 64}, {300, 70}};

    @Test
    void biasActRowsMatchesScalarDefinition() {
        for (int[] shape : BIAS_SHAPES) {
            for (boolean relu : new boolean[] {true, false}) {
                int rows = shape[0], cols = shape[1], off = 3;  // non-zero offsets into every segment
                MemorySegment x = KernelTestSupport.floats(cols, off + rows * cols, -1, 1), b = KernelTestSupport.floats(cols + 1, off + cols, -1, 1);
                MemorySegment out = KernelTestSupport.zeros((off + rows * cols) * 4);
                Fused.biasActRows(out, off, x, off, b, off, rows, cols, relu);
                for (int r = 0; r < rows; r++) for (int j = 0; j < cols; j++) {
                    float sum = at(x, off + r * cols + j) + at(b, off + j);
                    assertEquals(relu ? Math.max(0f, sum) : sum, at(out, off + r * cols + j), rows + "x" + cols + " relu=" + relu);
                }
            }
        }
    }

    @Test
    void biasActBackwardRowsMatchesDoublePrecisionDefinition() {
        for (int[] shape : BIAS_SHAPES) {
            for (boolean relu : new boolean[] {true, false}) {
                int rows = shape[0], cols = shape[1], off = 5;
                MemorySegment g = KernelTestSupport.floats(rows, off + rows * cols, -1, 1);
                MemorySegment y = KernelTestSupport.floats(rows + 7, off + rows * cols, -1, 1);  // the forward's output
                MemorySegment gx = KernelTestSupport.floats(3, off + rows * cols, -9, 9);     // garbage: must be overwritten
                MemorySegment gb = KernelTestSupport.floats(4, off + cols, -9, 9);
                Fused.biasActBackwardRows(gx, off, g, off, y, off, gb, off, rows, cols, relu);
                double[] want = new double[cols];
                for (int r = 0; r < rows; r++) for (int j = 0; j < cols; j++) {
                    int i = off + r * cols + j;
                    float d = !relu || at(y, i) > 0 ? at(g, i) : 0f;
                    if (relu) assertEquals(d, at(gx, i), rows + "x" + cols + " gx");
                    want[j] += d;
                }
                for (int j = 0; j < cols; j++) assertEquals(want[j], at(gb, off + j), 1e-4 * Math.max(1, Math.sqrt(rows)), rows + "x" + cols + " gbias relu=" + relu);
            }
        }
    }

    @Test
    void adamMatchesDoublePrecisionStepsOverAwkwardLengths() {
        for (int n : new int[] {1, 7, 16, 33, 1000}) {
            MemorySegment p = KernelTestSupport.floats(n, n, -1, 1), m = KernelTestSupport.zeros(n * 4), v = KernelTestSupport.zeros(n * 4);
            double[] pd = new double[n], md = new double[n], vd = new double[n];
            for (int i = 0; i < n; i++) pd[i] = at(p, i);
            for (int t = 1; t <= 3; t++) {
                MemorySegment g = KernelTestSupport.floats(100 * t + n, n, -1, 1);
                OptimizerUpdate.adam(p, g, m, v, 0, n, 1e-2f, 0.9f, 0.999f, 1e-7f, t, 0.01f, 0f);
                for (int i = 0; i < n; i++) {
                    double gr = at(g, i) + 0.01 * pd[i];
                    md[i] = 0.9 * md[i] + 0.1 * gr;
                    vd[i] = 0.999 * vd[i] + 0.001 * gr * gr;
                    pd[i] -= 1e-2 * (md[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(vd[i] / (1 - Math.pow(0.999, t))) + 1e-7);
                    assertEquals(pd[i], at(p, i), 1e-5, "adam n=" + n + " t=" + t + " i=" + i);
                }
            }
        }
    }

    @Test
    void sgdWithMomentumAndNesterov() {
        MemorySegment p = KernelTestSupport.zeros(8), g = KernelTestSupport.zeros(8), buf = KernelTestSupport.zeros(8);
        p.setAtIndex(JAVA_FLOAT_UNALIGNED, 0, 1f);
        g.setAtIndex(JAVA_FLOAT_UNALIGNED, 0, 0.5f);
        OptimizerUpdate.sgd(p, g, buf, 0, 1, 0.1f, 0.9f, 0f, 0f, false, true);   // buf = 0.5, p = 1 - 0.05
        assertEquals(0.95f, at(p, 0), 1e-7);
        OptimizerUpdate.sgd(p, g, buf, 0, 1, 0.1f, 0.9f, 0f, 0f, false, false);  // buf = 0.95, p = 0.95 - 0.095
        assertEquals(0.855f, at(p, 0), 1e-6);
        OptimizerUpdate.sgd(p, g, buf, 0, 1, 0.1f, 0.9f, 0f, 0f, true, false);   // buf = 1.355, step = 0.5 + 1.2195
        assertEquals(0.855f - 0.17195f, at(p, 0), 1e-6);
    }
}
