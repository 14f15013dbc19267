package dev.panamax.nn.train;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;

/** Small learnable problems for the training tests. */
final class SyntheticData {
    private SyntheticData() {}

    /**
     * Points uniform in the square [-1, 1]², in three balanced classes: the third of the circle a point's angle
     * falls in, moved on by one class outside radius 0.6. The wedges alone are cones from the origin, which a
     * bias-free linear softmax draws at random initialisation by chance; the ring makes the classes neither cones
     * nor linearly separable, so only a trained nonlinear model sorts them.
     */
    static Tensor[] wedgesAndRing(int n, long seed) {
        Tensor x = Tensor.uniform(new Rng(seed), -1, 1, DType.F32, n, 2);
        float[] p = x.toFloatArray();
        long[] label = new long[n];
        for (int i = 0; i < n; i++) {
            double px = p[2 * i], py = p[2 * i + 1];
            long wedge = Math.min(2, (long) ((Math.atan2(py, px) + Math.PI) / (2 * Math.PI / 3)));
            label[i] = (wedge + (Math.hypot(px, py) > 0.6 ? 1 : 0)) % 3;
        }
        return new Tensor[] {x, Tensor.of(label, n)};
    }

    /** The share of rows of {@code probs} (N, C) whose largest entry is at the label. */
    static double accuracy(Tensor probs, Tensor labels) {
        float[] p = probs.toFloatArray();
        long[] y = labels.toLongArray();
        int c = (int) probs.dim(1), hits = 0;
        for (int i = 0; i < y.length; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) if (p[i * c + j] > p[i * c + best]) best = j;
            if (best == y[i]) hits++;
        }
        return hits / (double) y.length;
    }
}
