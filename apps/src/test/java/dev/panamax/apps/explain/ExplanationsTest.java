package dev.panamax.apps.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Flatten;
import dev.panamax.nn.MaxPooling2D;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.Trainer;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saliency and Grad-CAM on the tutorial's MNIST CNN: the input gradient agrees with finite differences of the class
 * score; on a model trained for one short epoch, the saliency lies mostly on the digit's strokes and the Grad-CAM map
 * is non-negative, 28×28 and not empty; the grid PNG is written.
 */
class ExplanationsTest {
    @Test
    void inputGradientMatchesFiniteDifferences() {
        try (MemoryScope s = MemoryScope.open("fd")) {
            // Convolution, ReLU, max pooling, flatten and dense: each kind of layer the MNIST CNN's input gradient passes.
            Sequential model = new Sequential(3).add(new Conv2D(4, 3, "relu")).add(new MaxPooling2D(2)).add(new Flatten()).add(new Dense(10, "softmax"));
            model.build(28, 28, 1);
            Rng rng = new Rng(5);
            float[] x = new float[28 * 28];
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
            int c = 4;
            float[] g = Explanations.inputGradient(model, x, c);
            // A ReLU/max-pool network is piecewise linear: along a direction, the score changes by h · (g · v) until a unit
            // switches or another value wins a pooling window. Central differences with a small step (the untrained model's
            // scores are small, so float32 rounding stays far below the tolerance) along single pixels: a direction over the
            // whole image, or a deeper stack, crosses enough such kinks that the difference quotient is off by a few per
            // cent (measured), with the gradient right.
            double h = 1e-3;
            for (int trial = 0; trial < 8; trial++) {
                float[] v = new float[x.length];
                v[(4 + rng.nextInt(20)) * 28 + 4 + rng.nextInt(20)] = 1;
                double analytic = 0;
                for (int i = 0; i < v.length; i++) analytic += g[i] * v[i];
                double numeric = (score(model, x, v, h, c) - score(model, x, v, -h, c)) / (2 * h);
                assertEquals(analytic, numeric, 1e-4 + 1e-2 * Math.abs(analytic), "direction " + trial);
            }
        }
    }

    private static double score(Sequential model, float[] x, float[] v, double h, int c) {
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] += (float) (h * v[i]);
        return Explanations.logits(model, y)[c];
    }

    @Test
    void saliencyLiesOnTheDigitAndGradCamIsANonNegativeMap(@TempDir Path dir) throws Exception {
        Path mnist = Mnist.locate(null);
        try (MemoryScope s = MemoryScope.open("explain-test");
             Dataset train = Dataset.readIdx(Mnist.file(mnist, "train-images-idx3-ubyte"), Mnist.file(mnist, "train-labels-idx1-ubyte"), 2000);
             Dataset test = Dataset.readIdx(Mnist.file(mnist, "t10k-images-idx3-ubyte"), Mnist.file(mnist, "t10k-labels-idx1-ubyte"), 20)) {
            Sequential model = Models.tutorialCnn(42, 10);
            try (Trainer trainer = new Trainer(model, new Adam(2e-3), Loss.byName("sparse_categorical_crossentropy", false))) {
                trainer.fit(train.images(), train.labels(), FitOptions.builder().epochs(1).batchSize(32).build());
            }
            float[] all = test.images().contiguous().toFloatArray();
            long[] labels = test.labels().toLongArray();
            List<ExplanationGrid.Row> rows = new ArrayList<>();
            int right = 0;
            for (int n = 0; n < 20; n++) {
                float[] px = java.util.Arrays.copyOfRange(all, n * 784, (n + 1) * 784);
                Explanations.Explanation e = Explanations.explain(model, px);
                if (e.predicted() == labels[n]) right++;
                double onDigit = 0, total = 0, area = 0;
                boolean[] near = near(px, 28, 28);
                for (int i = 0; i < 784; i++) {
                    total += e.saliency()[i];
                    if (near[i]) {
                        onDigit += e.saliency()[i];
                        area++;
                    }
                }
                System.out.printf("image %d: label %d predicted %d (p %.3f); saliency on the digit %.2f of the mass over %.2f of the area%n",
                        n, labels[n], e.predicted(), e.probability(), onDigit / total, area / 784);
                assertTrue(onDigit / total > 0.6 && onDigit / total > 1.5 * area / 784,
                        "image " + n + ": " + onDigit / total + " of the saliency on " + area / 784 + " of the area");
                assertEquals(784, e.gradCam().length);
                assertEquals(3, e.camHeight());
                double camSum = 0;
                for (float v : e.gradCam()) {
                    assertTrue(v >= 0 && Float.isFinite(v));
                    camSum += v;
                }
                if (e.predicted() == labels[n]) assertTrue(camSum > 0, "image " + n + ": an empty Grad-CAM map");
                if (n < 4) rows.add(new ExplanationGrid.Row(px, e, (int) labels[n]));
            }
            assertTrue(right >= 16, right + " of 20 right after a short epoch");
            Path png = dir.resolve("grid.png");
            ExplanationGrid.write(png, rows, 28, 28);
            assertTrue(java.nio.file.Files.size(png) > 2000);
        }
    }

    /** The digit's pixels (ink above 0.2) and those within one pixel of them. */
    static boolean[] near(float[] px, int h, int w) {
        boolean[] m = new boolean[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int dy = -1; dy <= 1 && !m[y * w + x]; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy, xx = x + dx;
                        if (yy >= 0 && yy < h && xx >= 0 && xx < w && px[yy * w + xx] > 0.2f) {
                            m[y * w + x] = true;
                            break;
                        }
                    }
                }
            }
        }
        return m;
    }

    @Test
    void modelsWithoutAConvolutionAreRefused() {
        try (MemoryScope s = MemoryScope.open("dense")) {
            Sequential dense = new Sequential(1).add(new Flatten()).add(new Dense(10, "softmax"));
            dense.build(28, 28, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Explanations.explain(dense, new float[784]));
            assertTrue(e.getMessage().contains("needs a Conv2D layer"), e.getMessage());
        }
    }

    @Test
    void upsamplingKeepsAConstantAndInterpolatesBetweenCentres() {
        float[] up = Explanations.upsample(new float[] {2, 2, 2, 2}, 2, 2, 4, 4);
        for (float v : up) assertEquals(2f, v, 1e-6);
        float[] ramp = Explanations.upsample(new float[] {0, 1}, 1, 2, 1, 4);  // centres at 0.5 and 2.5 of 4 pixels
        assertEquals(0f, ramp[0], 1e-6);
        assertEquals(0.25f, ramp[1], 1e-6);
        assertEquals(0.75f, ramp[2], 1e-6);
        assertEquals(1f, ramp[3], 1e-6);
    }
}
