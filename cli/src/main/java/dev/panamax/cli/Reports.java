package dev.panamax.cli;

import dev.panamax.nn.io.AtomicFiles;
import dev.panamax.nn.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The SHA-256 of a file, in hex. */
    static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    static String json(Map<String, Object> metrics) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(metrics) + "\n";
    }

    /** Writes {@code chart} as a PNG, atomically: a reader never sees half a file (the bench's charts use it too). */
    public static void save(Path png, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        // Encoded in memory, written as any other file (the umask's permissions, not a temporary file's 0600).
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(png, out -> out.write(bytes));
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
