package dev.panamax.cli;

import dev.panamax.apps.gan.Dcgan;
import dev.panamax.apps.gan.DigitGrid;
import dev.panamax.apps.gan.QualityScore;
import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.AtomicFiles;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.Trainer;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax example gan}: a DCGAN on the MNIST training digits, scored by the MNIST CNN (dev.panamax.apps.gan). */
@Command(name = "gan", description = {"A DCGAN on the MNIST training digits; a grid of generated digits after each epoch, the losses,",
        "and a quality score from the MNIST CNN (trained here unless --classifier is given); writes metrics.json and PNGs."})
final class ExampleGanCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "out/gan", description = "Where to write metrics.json, the PNGs and the classifier (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "3", description = "Passes over the training digits (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, shuffling, noise and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N digits only; 0: all 60,000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--samples", defaultValue = "1000", description = "Generated digits the classifier scores (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--classifier", description = "A saved MNIST CNN (./panamax train mnist's out/mnist/model) to score with; default: train one for an epoch.")
    Path classifier;

    @Option(names = "--data", description = "Folder with the MNIST IDX files (raw or .gz); default: fetched into the cache.")
    Path data;

    @Option(names = "--threads", converter = Ranges.Positive.class, description = "Kernel threads (default: all cores).")
    Integer threads;

    @Option(names = "--quick", description = "A short run: one epoch on the first 6,000 digits, 200 scored samples.")
    boolean quick;

    @Override
    public Integer call() throws IOException {
        if (threads != null) System.setProperty("panamax.threads", Integer.toString(threads));
        int n = quick ? 6000 : limit, count = quick ? 200 : samples, passes = quick ? 1 : epochs;
        if (passes < 1 || count < 1 || n < 0) throw new IllegalArgumentException("--epochs and --samples must be at least 1 and --limit at least 0");
        if (classifier != null) ExplainCommand.requireModel(classifier);
        Path dir = Mnist.locate(data);
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        try (MemoryScope scope = MemoryScope.open("example gan");
             Dataset train = Dataset.readIdx(Mnist.file(dir, "train-images-idx3-ubyte"), Mnist.file(dir, "train-labels-idx1-ubyte"), n)) {
            train.requireLabelsBelow(Mnist.CLASSES, Mnist.file(dir, "train-labels-idx1-ubyte"));
            float[] real = train.images().contiguous().toFloatArray();
            for (int i = 0; i < real.length; i++) real[i] = real[i] * 2 - 1;  // [0, 1] → the generator's tanh range
            Dcgan.Options o = Dcgan.Options.defaults(passes, seed);
            Tensor fixed = Tensor.randn(new Rng(seed ^ 0x5EED), DType.F32, 100, o.zDim());
            System.out.printf(Locale.ROOT, "Training a DCGAN on %,d MNIST digits for %d epoch(s), batch %d%n", train.size(), passes, o.batch());
            Dcgan.Result r;
            try (Bar bar = new Bar()) {
                r = Dcgan.train(o, real, fixed, bar);
            }
            try (Sequential g = r.generator(); Sequential judge = judge(train)) {
                float[] generated = Dcgan.sample(g, Tensor.randn(new Rng(seed ^ 0x5C0E), DType.F32, count, o.zDim()));
                QualityScore.Score q = QualityScore.score(judge, generated);
                System.out.printf(Locale.ROOT, "Quality of %,d generated digits: %.1f %% classified with p >= %.1f; per class %s%n", count,
                        100 * q.confidentShare(), QualityScore.CONFIDENT, java.util.Arrays.toString(q.classCounts()));
                DigitGrid.write(out.resolve("samples.png"), Dcgan.sample(g, fixed), 10);
                plot(out.resolve("losses.png"), r.dLoss(), r.gLoss());
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("confident_share", q.confidentShare());
                metrics.put("class_counts", q.classCounts());
                metrics.put("samples", count);
                metrics.put("d_loss_final", r.dLoss().getLast());
                metrics.put("g_loss_final", r.gLoss().getLast());
                metrics.put("d_loss", r.dLoss());
                metrics.put("g_loss", r.gLoss());
                metrics.put("epochs", passes);
                metrics.put("train_examples", train.size());
                metrics.put("steps", r.steps());
                metrics.put("seed", seed);
                metrics.put("classifier", classifier == null ? out.resolve("classifier").toString() : classifier.toString());
                metrics.put("train_seconds", r.wallSeconds());
                metrics.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
                AtomicFiles.write(out.resolve("metrics.json"), Reports.json(metrics));
            }
        }
        System.out.println("Wrote " + out.resolve("metrics.json") + ", samples.png, losses.png and epoch-NN.png in " + out);
        return 0;
    }

    /** The classifier: --classifier's, or the tutorial CNN trained here for one epoch on the same digits and saved beside the results. */
    private Sequential judge(Dataset train) throws IOException {
        if (classifier != null) return ModelIo.load(classifier);
        System.out.printf(Locale.ROOT, "Training the MNIST CNN for one epoch on %,d digits, to score the samples%n", train.size());
        Sequential cnn = Models.tutorialCnn(seed, Mnist.CLASSES);
        cnn.build(Dcgan.SIDE, Dcgan.SIDE, 1);
        try (Trainer trainer = new Trainer(cnn, new Adam(1e-3), Loss.byName("sparse_categorical_crossentropy", false))) {
            trainer.fit(train.images(), train.labels(), FitOptions.builder().epochs(1).batchSize(64).callbacks(new Progress(System.out)).build());
        }
        ModelIo.save(cnn, out.resolve("classifier"));
        return cnn;
    }

    /** A bar per epoch on a terminal, a line per epoch otherwise; writes each epoch's grid. */
    private final class Bar implements Dcgan.Listener, AutoCloseable {
        private final boolean terminal = System.console() != null && System.console().isTerminal();
        private ProgressBar bar;
        private long epochStart = System.nanoTime();

        @Override
        public void onStep(int epoch, long step, long stepsPerEpoch, double dLoss, double gLoss) {
            if (step == 1) {
                epochStart = System.nanoTime();
                if (terminal) {
                    bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "Epoch %d/%d", epoch, epochs)).setInitialMax(stepsPerEpoch)
                            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).showSpeed().setUnit(" steps", 1).build();
                }
            }
            if (bar != null) {
                bar.stepTo(step);
                bar.setExtraMessage(String.format(Locale.ROOT, "D loss %.3f G loss %.3f", dLoss, gLoss));
            }
        }

        @Override
        public void onEpoch(int epoch, float[] grid, double meanDLoss, double meanGLoss) {
            close();
            System.out.printf(Locale.ROOT, "Epoch %d - %.1f s - D loss %.4f - G loss %.4f%n", epoch, (System.nanoTime() - epochStart) / 1e9, meanDLoss, meanGLoss);
            try {
                DigitGrid.write(out.resolve(String.format(Locale.ROOT, "epoch-%02d.png", epoch)), grid, 10);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (bar != null) bar.close();
            bar = null;
        }
    }

    private static void plot(Path png, List<Double> d, List<Double> g) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title("DCGAN on MNIST: mean loss per epoch").xAxisTitle("epoch").yAxisTitle("loss").build();
        double[] x = IntStream.rangeClosed(1, d.size()).asDoubleStream().toArray();
        chart.addSeries("discriminator", x, d.stream().mapToDouble(Double::doubleValue).toArray());
        chart.addSeries("generator", x, g.stream().mapToDouble(Double::doubleValue).toArray());
        Reports.save(png, chart);
    }
}
