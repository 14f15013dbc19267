package dev.panamax.apps.gan;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Model;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;

/**
 * How digit-like generated images are, judged by a trained MNIST classifier (softmax output over ten classes, input
 * 28 × 28 × 1 in [0, 1]): the share it classifies with probability at least {@link #CONFIDENT}, and how many images
 * fall in each class, so a generator that draws only a few digits (mode collapse) shows as a lopsided count.
 */
public final class QualityScore {
    private QualityScore() {}

    /** The probability at or above which a classification counts as confident. */
    public static final double CONFIDENT = 0.9;
    private static final int BATCH = 250;

    /** {@code confidentShare} in [0, 1]; {@code classCounts[c]}: images whose most probable class is c. */
    public record Score(double confidentShare, long[] classCounts) {}

    /** Scores {@code images}: one flat array of (N, 28, 28, 1) pixels in [-1, 1] (the generator's tanh range). */
    public static Score score(Model classifier, float[] images) {
        int pixels = Dcgan.SIDE * Dcgan.SIDE, n = images.length / pixels;
        if (n == 0 || images.length % pixels != 0) {
            throw new IllegalArgumentException("quality score: expected a whole number (>= 1) of 28x28 images, got " + images.length + " pixels");
        }
        long[] counts = new long[10];
        long confident = 0;
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            float[] x = new float[b * pixels];
            for (int i = 0; i < x.length; i++) x[i] = (images[from * pixels + i] + 1) / 2;  // [-1, 1] → the classifier's [0, 1]
            float[] p;
            try (MemoryScope s = MemoryScope.open("quality score"); GradMode.Switch off = GradMode.noGrad()) {
                p = classifier.forward(Var.of(Tensor.of(x, b, Dcgan.SIDE, Dcgan.SIDE, 1)), false).value().toFloatArray();  // (b, classes)
            }
            int classes = p.length / b;
            if (classes != counts.length) throw new IllegalArgumentException("quality score: the classifier has " + classes + " outputs, not 10 digits");
            for (int i = 0; i < b; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
                counts[best]++;
                if (p[i * classes + best] >= CONFIDENT) confident++;
            }
        }
        return new Score((double) confident / n, counts);
    }
}
