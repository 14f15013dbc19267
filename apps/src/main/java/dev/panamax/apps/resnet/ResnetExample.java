package dev.panamax.apps.resnet;

import dev.panamax.data.Augmentation;
import dev.panamax.data.Dataset;
import dev.panamax.data.FashionMnist;
import dev.panamax.nn.Model;
import dev.panamax.nn.Models;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.History;
import dev.panamax.nn.train.Trainer;
import dev.panamax.nn.train.TrainingListener;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code panamax example resnet}: a small {@link ResNet} on Fashion-MNIST against the tutorial's plain CNN
 * ({@link Models#tutorialCnn}), both trained with the same budget (epochs, batch size, Adam with cosine decay,
 * augmentation) on the same training images and scored on the same test images. Seeded: the same options and thread
 * count give the same numbers.
 */
public final class ResnetExample {
    private ResnetExample() {}

    /**
     * @param stem, widths, blocksPerStage the ResNet's shape (see {@link ResNet#of})
     * @param lr           Adam's starting rate, decayed to 0 over the run (cosine)
     * @param maxShift     random shift of training images, in pixels (0: none)
     * @param flip         probability of a horizontal flip of a training image
     * @param trainLimit   training images used (0: all 60,000)
     * @param testLimit    test images used (0: all 10,000)
     */
    public record Options(int stem, int[] widths, int blocksPerStage, int epochs, int batchSize, double lr, int maxShift, double flip,
                          int trainLimit, int testLimit, long seed) {
        public Options {
            if (epochs < 1 || batchSize < 1 || !(lr > 0) || trainLimit < 0 || testLimit < 0) {
                throw new IllegalArgumentException("epochs, batch size and learning rate must be positive, limits 0 or more");
            }
            widths = widths.clone();
        }

        /** The full run. */
        public static Options full(long seed) {
            return new Options(16, new int[] {32, 64}, 2, 8, 64, 2e-3, 0, 0.5, 0, 0, seed);
        }

        /** A short run for a first look: one block per stage, 2 epochs on 10,000 training images. */
        public static Options quick(long seed) {
            return new Options(16, new int[] {32, 64}, 1, 2, 64, 2e-3, 0, 0.5, 10_000, 0, seed);
        }

        public Options withEpochs(int e) {
            return new Options(stem, widths, blocksPerStage, e, batchSize, lr, maxShift, flip, trainLimit, testLimit, seed);
        }

        public Augmentation augmentation() {
            return new Augmentation(maxShift, 0, flip);
        }
    }

    /** One model's run: its per-epoch history, test accuracy and loss, confusion matrix (rows: truth) and time. */
    public record Run(String model, long parameters, History history, double testAccuracy, double testLoss, long[][] confusion, double seconds) {}

    public record Result(Run resnet, Run plainCnn, int trainExamples, int testExamples) {}

    /** The two models compared; the ResNet first. */
    public static final List<String> MODELS = List.of("resnet", "plain_cnn");

    /** Trains and scores both models on ({@code train}, {@code test}); {@code listener} sees every batch and epoch of both. */
    public static Result run(Dataset train, Dataset test, Options o, TrainingListener listener, Consumer<String> log) {
        Model resnet = resnet(o);
        log.accept("ResNet: stem " + o.stem() + ", stages " + Arrays.toString(o.widths()) + ", " + o.blocksPerStage() + " block(s) per stage");
        Run r = train("resnet", resnet, train, test, o, listener);
        log.accept("Plain CNN (the tutorial's train mnist model), same budget");
        Run p = train("plain_cnn", Models.tutorialCnn(o.seed(), FashionMnist.CLASSES), train, test, o, listener);
        return new Result(r, p, (int) train.size(), (int) test.size());
    }

    /** The ResNet of {@code o}, not yet built. */
    public static Model resnet(Options o) {
        return ResNet.of(o.seed(), o.stem(), o.widths(), o.blocksPerStage(), FashionMnist.CLASSES);
    }

    static Run train(String name, Model model, Dataset train, Dataset test, Options o, TrainingListener listener) {
        model.build(28, 28, 1);
        long steps = (long) o.epochs() * ((train.size() + o.batchSize() - 1) / o.batchSize());
        long t0 = System.nanoTime();
        try (Trainer trainer = new Trainer(model, Models.tutorialAdam(o.lr(), steps), Loss.byName("sparse_categorical_crossentropy", false))) {
            FitOptions fit = FitOptions.builder().epochs(o.epochs()).batchSize(o.batchSize()).validationData(test.images(), test.labels())
                    .augmentation(o.augmentation()).callbacks(listener).build();
            History h = trainer.fit(train.images(), train.labels(), fit);
            Map<String, Double> score = trainer.evaluate(test.images(), test.labels(), 500);
            long[][] confusion;
            try (Tensor probs = trainer.predict(test.images(), 500)) {
                confusion = confusion(probs, test.labels().toLongArray());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Run(name, model.paramCount(), h, score.get("accuracy"), score.get("loss"), confusion, seconds);
        } finally {
            model.close();
        }
    }

    /** Counts of (true class, predicted class) over {@code probs} {@code (N, classes)}, the prediction being the most probable class. */
    static long[][] confusion(Tensor probs, long[] truth) {
        int classes = (int) probs.dim(1);
        float[] p = probs.toFloatArray();
        long[][] m = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) if (p[i * classes + k] > p[i * classes + best]) best = k;
            m[(int) truth[i]][best]++;
        }
        return m;
    }

    /** The share of the diagonal: the accuracy a confusion matrix records. */
    public static double accuracy(long[][] confusion) {
        long right = 0, all = 0;
        for (int i = 0; i < confusion.length; i++) {
            right += confusion[i][i];
            all += Arrays.stream(confusion[i]).sum();
        }
        return all == 0 ? 0 : (double) right / all;
    }
}
