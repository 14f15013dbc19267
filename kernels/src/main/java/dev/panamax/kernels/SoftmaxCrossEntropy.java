package dev.panamax.kernels;

import dev.panamax.kernels.spec.ReduceOp;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Softmax and sparse categorical cross-entropy in one pass, forward and backward together:
 * <pre>
 * loss      = (1/N) Σ_r [ logsumexp(logits[r,:]) - logits[r, label_r] ]
 * dlogits   = (softmax(logits) - onehot(labels)) · scale / N
 * </pre>
 * logits (N, C) F32 row-major; labels (N) I64 in [0, C) (checked); grad may alias logits. Returns the mean
 * loss (accumulated in double). {@code grad} may be null to compute the loss alone.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    public static double forwardBackward(MemorySegment logits, long lo, MemorySegment labels, long labOff, int n, int c,
                                         MemorySegment grad, long go, float scale) {
        if (n == 0) return Double.NaN;
        double total = 0;
        MemorySegment probs = grad != null ? grad : null;
        for (int r = 0; r < n; r++) {
            long label = labels.getAtIndex(JAVA_LONG_UNALIGNED, labOff + r);
            if (label < 0 || label >= c) {
                throw new IllegalArgumentException("cross-entropy: label " + label + " in row " + r + " is outside [0, " + c + ")");
            }
            long row = lo + (long) r * c;
            float max = Reduce.reduceF32(ReduceOp.MAX, logits, row, c);
            double sum;
            if (probs != null) {
                long gr = go + (long) r * c;
                sum = Simd.ENABLED && Simd.native3(grad, logits, logits) ? FusedVector.expShiftSum(grad, gr, logits, row, c, max)
                        : FusedScalar.expShiftSum(grad, gr, logits, row, c, max);
                float target = logits.getAtIndex(JAVA_FLOAT_UNALIGNED, row + label);
                total += Math.log(sum) + max - target;
                Fused.affine(grad, gr, grad, gr, c, (float) (scale / (sum * n)), 0f);
                grad.setAtIndex(JAVA_FLOAT_UNALIGNED, gr + label, grad.getAtIndex(JAVA_FLOAT_UNALIGNED, gr + label) - scale / n);
            } else {
                double s = 0;
                for (int j = 0; j < c; j++) s += Math.exp(logits.getAtIndex(JAVA_FLOAT_UNALIGNED, row + j) - max);
                total += Math.log(s) + max - logits.getAtIndex(JAVA_FLOAT_UNALIGNED, row + label);
            }
        }
        return total / n;
    }

    /** Definition in double precision, the test oracle: loss and (softmax - onehot)·scale/N. */
    public static double reference(float[] logits, long[] labels, int n, int c, float[] grad, float scale) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, logits[r * c + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.exp(logits[r * c + j] - max);
            total += Math.log(s) + max - logits[r * c + (int) labels[r]];
            for (int j = 0; j < c; j++) {
                double p = Math.exp(logits[r * c + j] - max) / s;
                grad[r * c + j] = (float) ((p - (j == labels[r] ? 1 : 0)) * scale / n);
            }
        }
        return total / n;
    }
}
