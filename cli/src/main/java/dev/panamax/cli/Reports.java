package dev.panamax.cli;

import dev.panamax.nn.io.AtomicFiles;
import dev.panamax.nn.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The files a training run leaves: history.csv, metrics.json and a PNG of the loss and accuracy curves. */
public final class Reports {
    private Reports() {}

    static void write(Path out, History history, Map<String, Object> metrics) throws IOException {
        Files.createDirectories(out);
        history.writeCsv(out.resolve("history.csv"));
        AtomicFiles.write(out.resolve("metrics.json"), json(metrics));
        plot(out.resolve("training.png"), history);
    }

    static String json(Map<String, Object> metrics) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(metrics) + "\n";
    }

    /** Writes {@code chart} as a PNG, atomically: a reader never sees half a file (the bench's charts use it too). */
    public static void save(Path png, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), "chart", ".png");
        try {
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void plot(Path png, History history) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title("Training").xAxisTitle("epoch").yAxisTitle("value").build();
        for (var e : history.metrics().entrySet()) {
            List<Double> ys = e.getValue();
            double[] x = IntStream.rangeClosed(1, ys.size()).asDoubleStream().toArray();
            chart.addSeries(e.getKey(), x, ys.stream().mapToDouble(Double::doubleValue).toArray());
        }
        save(png, chart);
    }
}
