package dev.panamax.apps.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.Trainer;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DCGAN on a slice of real MNIST for a few steps: the discriminator's loss stays finite, the generator draws
 * (S, 28, 28, 1) images inside tanh's [-1, 1], a seed repeats its run exactly; and the quality score, with a CNN
 * trained briefly on real digits, rates real test digits as mostly confident and spread like their labels, but constant
 * grey or noise images as not confident and piled onto a class or two (how mode collapse shows).
 */
class DcganTest {
    private static final int PIXELS = 28 * 28;

    static float[] scaled(Dataset d) {
        float[] x = d.images().contiguous().toFloatArray();
        for (int i = 0; i < x.length; i++) x[i] = x[i] * 2 - 1;
        return x;
    }

    record Run(List<Double> dLoss, List<Double> gLoss, float[] samples) {}

    static Run run(float[] real, long seed) {
        Dcgan.Options o = new Dcgan.Options(2, 32, 16, 8, 2e-4, 0.5, seed);
        List<Double> d = new ArrayList<>(), g = new ArrayList<>();
        try (MemoryScope s = MemoryScope.open("dcgan test")) {
            Tensor fixed = Tensor.randn(new Rng(1), DType.F32, 6, 16);
            Dcgan.Result r = Dcgan.train(o, real, fixed, new Dcgan.Listener() {
                @Override
                public void onStep(int epoch, long step, long stepsPerEpoch, double dLoss, double gLoss) {
                    d.add(dLoss);
                    g.add(gLoss);
                }

                @Override
                public void onEpoch(int epoch, float[] samples, double meanD, double meanG) {
                    assertEquals(6 * PIXELS, samples.length, "one 28x28 image per fixed noise vector");
                }
            });
            try (Sequential gen = r.generator()) {
                assertArrayEquals(new long[] {28, 28, 1}, gen.outputShape());
                return new Run(d, g, Dcgan.sample(gen, Tensor.randn(new Rng(2), DType.F32, 40, 16)));
            }
        }
    }

    @Test
    void trainsWithFiniteLossesAndDrawsImagesInTanhRange(@TempDir Path dir) throws Exception {
        Path mnist = Mnist.locate(null);
        try (MemoryScope s = MemoryScope.open("dcgan data");
             Dataset train = Dataset.readIdx(Mnist.file(mnist, "train-images-idx3-ubyte"), Mnist.file(mnist, "train-labels-idx1-ubyte"), 192)) {
            float[] real = scaled(train);
            Run a = run(real, 7);
            assertEquals(12, a.dLoss().size(), "two epochs of 192 / 32 steps");
            for (int i = 0; i < a.dLoss().size(); i++) {
                assertTrue(Double.isFinite(a.dLoss().get(i)) && a.dLoss().get(i) > 0, "discriminator loss at step " + i + ": " + a.dLoss().get(i));
                assertTrue(Double.isFinite(a.gLoss().get(i)) && a.gLoss().get(i) > 0, "generator loss at step " + i + ": " + a.gLoss().get(i));
            }
            assertEquals(40 * PIXELS, a.samples().length);
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            for (float v : a.samples()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertTrue(lo >= -1 && hi <= 1 && hi > lo, "generated pixels in [" + lo + ", " + hi + "]");
            Path png = dir.resolve("grid.png");
            DigitGrid.write(png, a.samples(), 10);
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            assertEquals(10 * (2 * 28 + 2) + 2, img.getWidth(), "ten 2x-scaled digits and their gaps across");
            assertEquals(4 * (2 * 28 + 2) + 2, img.getHeight(), "40 digits in four rows");
            Run b = run(real, 7);
            assertEquals(a.dLoss(), b.dLoss(), "the same seed repeats the run");
            assertArrayEquals(a.samples(), b.samples());
        }
    }

    @Test
    void qualityScoreRatesRealDigitsAboveBlankAndNoiseImages() throws Exception {
        Path mnist = Mnist.locate(null);
        try (MemoryScope s = MemoryScope.open("quality test");
             Dataset train = Dataset.readIdx(Mnist.file(mnist, "train-images-idx3-ubyte"), Mnist.file(mnist, "train-labels-idx1-ubyte"), 3000);
             Dataset test = Dataset.readIdx(Mnist.file(mnist, "t10k-images-idx3-ubyte"), Mnist.file(mnist, "t10k-labels-idx1-ubyte"), 300)) {
            Sequential cnn = Models.tutorialCnn(42, 10);
            try (Trainer trainer = new Trainer(cnn, new Adam(2e-3), Loss.byName("sparse_categorical_crossentropy", false))) {
                trainer.fit(train.images(), train.labels(), FitOptions.builder().epochs(1).batchSize(32).build());
            }
            QualityScore.Score real = QualityScore.score(cnn, scaled(test));
            long[] labels = new long[10];
            for (long l : test.labels().toLongArray()) labels[(int) l]++;
            assertEquals(300, Arrays.stream(real.classCounts()).sum());
            for (int c = 0; c < 10; c++) {
                assertTrue(Math.abs(real.classCounts()[c] - labels[c]) <= 0.3 * labels[c] + 3, "class " + c + ": " + Arrays.toString(real.classCounts())
                        + " against the labels' " + Arrays.toString(labels));
            }
            float[] blank = new float[100 * PIXELS], noise = new float[100 * PIXELS];
            Rng rng = new Rng(3);
            for (int i = 0; i < blank.length; i++) {
                blank[i] = -1 + 2 * (i / PIXELS) / 100f;  // image k is the constant grey level k/100 of [0, 1]
                noise[i] = (float) (2 * rng.nextDouble() - 1);
            }
            QualityScore.Score flat = QualityScore.score(cnn, blank), random = QualityScore.score(cnn, noise);
            // Measured: real 0.75 confident, counts within a few of the labels'; constant and noise images 0.0, 88-90 % in one class.
            assertTrue(real.confidentShare() >= 0.6, "real digits: " + real.confidentShare());
            for (QualityScore.Score bad : new QualityScore.Score[] {flat, random}) {
                assertTrue(bad.confidentShare() <= 0.1, "blank or noise images classified confidently: " + bad.confidentShare());
                assertTrue(Arrays.stream(bad.classCounts()).max().orElseThrow() >= 50, "blank or noise images should collapse onto a class or two: "
                        + Arrays.toString(bad.classCounts()));
            }
        }
    }
}
