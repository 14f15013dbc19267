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
final class Reports {
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

    /** Bar chart of the comparison's ratios (above 1: Panamax better), one bar per valid row. */
    static void ratioChart(Path png, List<dev.panamax.bench.compare.CompareRow> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<dev.panamax.bench.compare.CompareRow> shown = rows.stream().filter(r -> Double.isFinite(r.ratio())).toList();
        if (shown.isEmpty()) return;
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(1100).height(600)
                .title("Panamax vs PyTorch (above 1: Panamax better)").yAxisTitle("ratio").build();
        // Upright labels with a small spacing hint: at 35° and the default hint XChart left out every other of 13 labels.
        chart.getStyler().setXAxisLabelRotation(90).setXAxisTickMarkSpacingHint(20);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("ratio", shown.stream().map(r -> r.workload() + (Boolean.FALSE.equals(r.valid()) ? " (INVALID)" : "")).toList(),
                shown.stream().map(dev.panamax.bench.compare.CompareRow::ratio).toList());
        save(png, chart);
    }

    private static void save(Path png, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) throws IOException {
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
