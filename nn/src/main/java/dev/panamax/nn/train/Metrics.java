package dev.panamax.nn.train;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;

/**
 * Classification metrics over a batch or a whole set: counts are returned so callers can sum them across
 * batches. {@code probs} is (N, C) (or (N) / (N, 1) for binary); labels are class indices (N), or one-hot
 * (N, C) for categorical targets. A sequence model's outputs (N, T, C) take one class index per position (N, T).
 */
public final class Metrics {
    private Metrics() {}

    /**
     * The trainer's and predictor's accuracy numerator, in examples: {@link #correct} for one label per example;
     * for one label per position (outputs (N, T, C), labels (N, T)) the positions right, divided by T, so that
     * dividing by N gives the share of positions whose highest-scoring class is the label.
     */
    static double correctExamples(Tensor probs, Tensor target) {
        if (probs.rank() < 3 || target.rank() != probs.rank() - 1) return correct(probs, target);
        long positions = target.numel() / target.dim(0);
        try (Tensor pc = probs.contiguous(); Tensor p = pc.reshape(-1, probs.dim(-1)); Tensor tc = target.contiguous(); Tensor t = tc.reshape(-1)) {
            return correct(p, t) / (double) positions;
        }
    }

    /**
     * Examples whose highest-scoring class is the label (binary: p > 0.5 matches a 0/1 target).
     *
     * @param probs  class scores (N, C), or probabilities (N) or (N, 1) for a binary model
     * @param target class indices (N), or one-hot rows (N, C), or 0/1 targets for a binary model
     * @return the number of correct examples
     */
    public static long correct(Tensor probs, Tensor target) {
        if (probs.rank() == 1 || probs.dim(-1) == 1) {
            try (Tensor p = probs.reshape(-1); Tensor pred = p.gt(0.5); Tensor t = target.reshape(-1); Tensor tb = t.gt(0.5);
                 Tensor hit = pred.eq(tb); Tensor s = hit.sum()) {
                return (long) s.item();
            }
        }
        try (Tensor pred = probs.argmax(1, false); Tensor lab = labels(target); Tensor hit = pred.eq(lab); Tensor s = hit.sum()) {
            return (long) s.item();
        }
    }

    /**
     * Examples whose label is among the {@code k} highest-scoring classes.
     *
     * @param probs  class scores (N, C)
     * @param target class indices (N) or one-hot rows (N, C)
     * @param k      how many top classes count, at least 1
     * @return the number of hits
     */
    public static long topK(Tensor probs, Tensor target, int k) {
        float[] p = probs.toFloatArray();
        long[] lab;
        try (Tensor l = labels(target)) {
            lab = l.toLongArray();
        }
        int c = (int) probs.dim(1);
        long hits = 0;
        for (int i = 0; i < lab.length; i++) {
            float v = p[i * c + (int) lab[i]];
            int higher = 0;
            for (int j = 0; j < c; j++) if (p[i * c + j] > v) higher++;
            if (higher < k) hits++;
        }
        return hits;
    }

    /**
     * counts[true][predicted] over all examples.
     *
     * @param probs   class scores (N, C)
     * @param target  class indices (N) or one-hot rows (N, C)
     * @param classes the number of classes C
     * @return a {@code classes × classes} matrix of counts, rows the true class
     */
    public static long[][] confusionMatrix(Tensor probs, Tensor target, int classes) {
        long[][] m = new long[classes][classes];
        try (Tensor pred = probs.argmax(1, false); Tensor lab = labels(target)) {
            long[] p = pred.toLongArray(), t = lab.toLongArray();
            for (int i = 0; i < p.length; i++) m[(int) t[i]][(int) p[i]]++;
        }
        return m;
    }

    /**
     * Precision of class {@code c} from a confusion matrix: TP / (TP + FP); NaN when nothing was predicted c.
     *
     * @param m a confusion matrix, rows the true class
     * @param c the class
     * @return the precision in [0, 1], or NaN
     */
    public static double precision(long[][] m, int c) {
        long tp = m[c][c], predicted = 0;
        for (long[] row : m) predicted += row[c];
        return predicted == 0 ? Double.NaN : (double) tp / predicted;
    }

    /**
     * Recall of class {@code c}: TP / (TP + FN); NaN when class c never occurs.
     *
     * @param m a confusion matrix, rows the true class
     * @param c the class
     * @return the recall in [0, 1], or NaN
     */
    public static double recall(long[][] m, int c) {
        long tp = m[c][c], actual = 0;
        for (long v : m[c]) actual += v;
        return actual == 0 ? Double.NaN : (double) tp / actual;
    }

    private static Tensor labels(Tensor target) {
        return target.rank() == 2 ? target.argmax(1, false) : target.to(DType.I64);
    }
}
