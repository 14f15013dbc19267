package dev.panamax.cli;

import dev.panamax.apps.explain.ExplanationGrid;
import dev.panamax.apps.explain.Explanations;
import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.AtomicFiles;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax example explain}: saliency maps and Grad-CAM for the MNIST CNN on test images (dev.panamax.apps.explain). */
@Command(name = "explain", description = {"Saliency maps and Grad-CAM of the MNIST CNN (./panamax train mnist) on the first MNIST test images;",
        "writes explain.png and metrics.json."})
final class ExampleExplainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "out/mnist/model", description = "The saved MNIST CNN (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--out", defaultValue = "out/explain", description = "Where to write explain.png and metrics.json (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--images", defaultValue = "8", description = "How many test images, from the first (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--data", description = "Folder with the MNIST IDX files (raw or .gz); default: fetched into the cache.")
    Path data;

    @Option(names = "--quick", description = "Three images.")
    boolean quick;

    @Override
    public Integer call() throws IOException {
        int n = quick ? 3 : images;
        if (n <= 0 || n > 10_000) throw new IllegalArgumentException("--images must be between 1 and 10,000, got " + n);
        ExplainCommand.requireModel(model);
        Path dir = Mnist.locate(data);
        long t0 = System.nanoTime();
        try (MemoryScope scope = MemoryScope.open("explain");
             Sequential m = ModelIo.load(model);
             Dataset test = Dataset.readIdx(Mnist.file(dir, "t10k-images-idx3-ubyte"), Mnist.file(dir, "t10k-labels-idx1-ubyte"), n)) {
            long[] in = m.inputShape();
            int h = (int) in[0], w = (int) in[1];
            float[] all = test.images().contiguous().toFloatArray();
            long[] labels = test.labels().toLongArray();
            List<ExplanationGrid.Row> rows = new ArrayList<>();
            List<Map<String, Object>> shown = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] px = Arrays.copyOfRange(all, i * h * w, (i + 1) * h * w);
                Explanations.Explanation e = Explanations.explain(m, px);
                rows.add(new ExplanationGrid.Row(px, e, (int) labels[i]));
                System.out.printf(Locale.ROOT, "test image %d: label %d, predicted %d (p = %.4f)%n", i, labels[i], e.predicted(), e.probability());
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("index", i);
                one.put("label", labels[i]);
                one.put("predicted", e.predicted());
                one.put("probability", e.probability());
                shown.add(one);
            }
            Files.createDirectories(out);
            ExplanationGrid.write(out.resolve("explain.png"), rows, h, w);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("images", n);
            metrics.put("model", model.toString());
            metrics.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
            metrics.put("explained", shown);
            AtomicFiles.write(out.resolve("metrics.json"), Reports.json(metrics));
        }
        System.out.println("Wrote " + out.resolve("explain.png") + " and " + out.resolve("metrics.json"));
        return 0;
    }
}
