package dev.panamax.cli;

import dev.panamax.apps.resnet.ResnetExample;
import dev.panamax.apps.resnet.ResnetExample.Options;
import dev.panamax.apps.resnet.ResnetExample.Result;
import dev.panamax.apps.resnet.ResnetExample.Run;
import dev.panamax.data.Dataset;
import dev.panamax.data.FashionMnist;
import dev.panamax.nn.io.AtomicFiles;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax example resnet}: a small ResNet on Fashion-MNIST against the tutorial's plain CNN (apps.resnet). */
@Command(name = "resnet", description = {"Train a small ResNet (residual blocks with batch norm) on Fashion-MNIST and the tutorial's plain CNN",
        "with the same budget; writes metrics.json, curves.png (both models) and confusion.png (the ResNet's test confusion matrix)."})
final class ExampleResnetCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "out/resnet", description = "Where to write metrics.json, curves.png and confusion.png; default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--quick", description = "A short run (2 epochs on 10,000 training images) for a first look.")
    boolean quick;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights, the batch order and the augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epochs", converter = Ranges.Positive.class, description = "Epochs per model (default: 8, or 2 with --quick).")
    Integer epochs;

    @Option(names = "--data", description = "Folder with the Fashion-MNIST IDX files (raw or .gz); default: fetched into the cache from Debian's dataset-fashion-mnist.")
    Path data;

    @Option(names = "--blocks", converter = Ranges.Positive.class, description = "Residual blocks per stage (default: 2, or 1 with --quick).")
    Integer blocks;

    @Option(names = "--threads", converter = Ranges.Positive.class, description = "Kernel threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        if (threads != null) System.setProperty("panamax.threads", Integer.toString(threads));
        try {
            return run();
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            // A corrupt or missing data file, no apt offline: the user's to fix, in one line.
            System.err.println("panamax example resnet: " + e.getMessage());
            return 1;
        }
    }

    private int run() throws IOException {
        Options d = quick ? Options.quick(seed) : Options.full(seed);
        Options o = new Options(d.stem(), d.widths(), blocks != null ? blocks : d.blocksPerStage(), epochs != null ? epochs : d.epochs(),
                d.batchSize(), d.lr(), d.maxShift(), d.flip(), d.trainLimit(), d.testLimit(), seed);
        Path dir = FashionMnist.locate(data);
        Result r;
        try (MemoryScope scope = MemoryScope.open("example-resnet");
             Dataset train = FashionMnist.read(dir, true, o.trainLimit());
             Dataset test = FashionMnist.read(dir, false, o.testLimit())) {
            System.out.printf(Locale.ROOT, "Fashion-MNIST: %,d training and %,d test images; %d epochs per model, batches of %d, Adam %.0e with cosine decay, "
                    + "random horizontal flips%s%n", train.size(), test.size(), o.epochs(), o.batchSize(), o.lr(),
                    o.maxShift() > 0 ? " and shifts of up to " + o.maxShift() + " pixels" : "");
            r = ResnetExample.run(train, test, o, new Progress(System.out), System.out::println);
        }
        for (Run run : List.of(r.resnet(), r.plainCnn())) {
            System.out.printf(Locale.ROOT, "  %-10s %,7d parameters  test accuracy %.4f  test loss %.4f  (%.1f s)%n", run.model(), run.parameters(),
                    run.testAccuracy(), run.testLoss(), run.seconds());
        }
        Files.createDirectories(out);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("test_accuracy", r.resnet().testAccuracy());
        metrics.put("test_accuracy_plain_cnn", r.plainCnn().testAccuracy());
        metrics.put("test_loss", r.resnet().testLoss());
        metrics.put("test_loss_plain_cnn", r.plainCnn().testLoss());
        metrics.put("epochs", o.epochs());
        metrics.put("wall_seconds", r.resnet().seconds() + r.plainCnn().seconds());
        metrics.put("wall_seconds_resnet", r.resnet().seconds());
        metrics.put("wall_seconds_plain_cnn", r.plainCnn().seconds());
        metrics.put("parameters", r.resnet().parameters());
        metrics.put("parameters_plain_cnn", r.plainCnn().parameters());
        metrics.put("train_examples", r.trainExamples());
        metrics.put("test_examples", r.testExamples());
        metrics.put("val_accuracy_per_epoch", r.resnet().history().get("val_accuracy"));
        metrics.put("val_accuracy_per_epoch_plain_cnn", r.plainCnn().history().get("val_accuracy"));
        Map<String, Object> config = new LinkedHashMap<>();  // in a fixed order, so two runs' files compare line by line
        config.put("stem", o.stem());
        config.put("widths", Arrays.stream(o.widths()).boxed().toList());
        config.put("blocks_per_stage", o.blocksPerStage());
        config.put("batch_size", o.batchSize());
        config.put("lr", o.lr());
        config.put("max_shift", o.maxShift());
        config.put("flip", o.flip());
        config.put("seed", o.seed());
        metrics.put("config", config);
        metrics.put("confusion", Arrays.stream(r.resnet().confusion()).map(row -> Arrays.stream(row).boxed().toList()).toList());
        AtomicFiles.write(out.resolve("metrics.json"), Reports.json(metrics));
        curves(out.resolve("curves.png"), r);
        confusion(out.resolve("confusion.png"), r.resnet());
        System.out.println("Wrote " + out.resolve("metrics.json") + ", " + out.resolve("curves.png") + " and " + out.resolve("confusion.png"));
        return 0;
    }

    /** Test accuracy and training loss per epoch of both models. */
    static void curves(Path png, Result r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title(String.format(Locale.ROOT,
                "Fashion-MNIST: ResNet %.2f %% vs plain CNN %.2f %% test accuracy", 100 * r.resnet().testAccuracy(), 100 * r.plainCnn().testAccuracy()))
                .xAxisTitle("epoch").yAxisTitle("accuracy / loss").build();
        for (Run run : List.of(r.resnet(), r.plainCnn())) {
            for (String key : List.of("val_accuracy", "accuracy", "loss")) {
                List<Double> ys = run.history().get(key);
                double[] x = IntStream.rangeClosed(1, ys.size()).asDoubleStream().toArray();
                String label = run.model() + " " + switch (key) {
                    case "val_accuracy" -> "test accuracy";
                    case "accuracy" -> "training accuracy";
                    default -> "training loss";
                };
                chart.addSeries(label, x, ys.stream().mapToDouble(Double::doubleValue).toArray()).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        chart.getStyler().setYAxisMin(0.0);
        Reports.save(png, chart);
    }

    /** The model's test confusion matrix: true class down, predicted class across, counts in the cells. */
    static void confusion(Path png, Run run) throws IOException {
        System.setProperty("java.awt.headless", "true");
        long[][] m = run.confusion();
        HeatMapChart chart = new HeatMapChartBuilder().width(900).height(800).title(String.format(Locale.ROOT,
                "%s on the Fashion-MNIST test set: %.2f %% (rows: true class, columns: predicted)", run.model(), 100 * ResnetExample.accuracy(m)))
                .build();
        List<Number[]> cells = new java.util.ArrayList<>();
        int k = m.length;
        // Row 0 at the top: the y axis runs upwards, so the true classes are listed in reverse.
        for (int t = 0; t < k; t++) for (int p = 0; p < k; p++) cells.add(new Number[] {p, k - 1 - t, m[t][p]});
        List<String> names = FashionMnist.LABELS.subList(0, k);
        chart.addSeries("confusion", names, names.reversed(), cells);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setPlotContentSize(1.0);
        Reports.save(png, chart);
    }
}
