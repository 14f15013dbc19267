package dev.panamax.cli;

import dev.panamax.apps.embed.MiniLm;
import dev.panamax.apps.embed.SentenceEmbedder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax similar}: the lines of a file ranked by cosine similarity of their embedding to a query's. */
@Command(name = "similar", description = "Rank the lines of a file by meaning: cosine similarity of sentence embeddings to --query.")
final class SimilarCommand implements Callable<Integer> {
    @Option(names = "--query", required = true, description = "The text to compare every line with.")
    String query;

    @Option(names = "--file", required = true, description = "A UTF-8 file with one candidate a line.")
    Path file;

    @Option(names = "--top", converter = Ranges.Positive.class, defaultValue = "10", description = "How many lines to print, best first (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--model", defaultValue = MiniLm.NAME, description = "all-minilm-l6-v2 (default) or PATH.onnx with tokenizer.json beside it.")
    String model;

    @Override
    public Integer call() throws Exception {
        if (top <= 0) throw new IllegalArgumentException("--top must be positive, got " + top);
        List<String> lines = EmbedModels.lines(file);
        if (lines.isEmpty()) throw new IllegalArgumentException("--file " + file + " has no lines");
        float[][] vectors;
        float[] q;
        long t0 = System.nanoTime();
        try (SentenceEmbedder embedder = EmbedModels.open(model);
             ProgressBar bar = new ProgressBarBuilder().setTaskName("Embedding").setInitialMax(lines.size()).setUnit(" lines", 1)
                     .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                     .showSpeed().build()) {
            q = embedder.embed(List.of(query))[0];
            vectors = embedder.embed(lines, bar::stepTo);
        }
        double[] score = new double[lines.size()];
        for (int i = 0; i < score.length; i++) {
            double s = 0;
            for (int j = 0; j < q.length; j++) s += q[j] * vectors[i][j];  // both unit length: the dot product is the cosine
            score[i] = s;
        }
        PrintStream o = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        IntStream.range(0, score.length).boxed().sorted(Comparator.comparingDouble((Integer i) -> -score[i]).thenComparingInt(i -> i))
                .limit(top).forEach(i -> o.printf(Locale.ROOT, "%.4f\t%d\t%s%n", score[i], i + 1, lines.get(i)));
        System.err.printf(Locale.ROOT, "%d lines in %.2f s%n", lines.size(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
