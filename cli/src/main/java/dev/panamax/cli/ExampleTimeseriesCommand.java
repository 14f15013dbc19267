package dev.panamax.cli;

import dev.panamax.apps.timeseries.Co2;
import dev.panamax.apps.timeseries.Series;
import dev.panamax.apps.timeseries.TimeseriesExample;
import dev.panamax.apps.timeseries.TimeseriesExample.Forecast;
import dev.panamax.apps.timeseries.TimeseriesExample.Options;
import dev.panamax.apps.timeseries.TimeseriesExample.Result;
import dev.panamax.nn.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax example timeseries}: LSTM, GRU and dilated causal Conv1D forecasts of the Mauna Loa CO2 record (apps.timeseries). */
@Command(name = "timeseries", description = {"Forecast the weekly Mauna Loa CO2 record one week ahead with an LSTM, a GRU and a dilated causal",
        "Conv1D stack, against the last-value and seasonal-naive baselines; writes metrics.json and forecast.png."})
final class ExampleTimeseriesCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "out/timeseries", description = "Where to write metrics.json and forecast.png; default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--quick", description = "A short run (4 epochs, 16 units) for a first look.")
    boolean quick;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights and the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--csv", description = "Your own series instead of CO2: a header line, then label,value rows; missing values are refused.")
    Path csv;

    @Option(names = "--window", description = "Values of history per example (default: 52, a year of weeks).")
    Integer window;

    @Option(names = "--season", description = "Seasonal period for the seasonal-naive baseline (default: 52).")
    Integer season;

    @Option(names = "--epochs", description = "Training epochs per model (default: 30, or 4 with --quick).")
    Integer epochs;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            // Bad input (a gap in the user's CSV, a series shorter than the window, no apt offline) is the user's to fix: say what, not where.
            System.err.println("panamax example timeseries: " + e.getMessage());
            return 1;
        }
    }

    private int run() throws IOException {
        Options d = quick ? Options.quick(seed) : Options.full(seed);
        Options o = new Options(window != null ? window : d.window(), season != null ? season : d.season(), d.testFraction(),
                epochs != null ? epochs : d.epochs(), d.batchSize(), d.units(), d.lr(), seed);
        Series series = csv != null ? Series.read(csv, false) : Co2.load();
        TimeseriesExample.check(series, o);
        System.out.printf(Locale.ROOT, "%s: %d values%s; window %d, season %d, %d epochs per model%n", csv != null ? csv : "Mauna Loa CO2 (weekly, ppm)",
                series.size(), series.interpolated() > 0 ? ", " + series.interpolated() + " missing values filled by linear interpolation" : "",
                o.window(), o.season(), o.epochs());
        Result r = TimeseriesExample.run(series, o, new Progress(System.out));
        System.out.printf(Locale.ROOT, "Test set: %d values from %s; errors in the series' units%n", r.truth().length, series.labels().get(r.testStart()));
        for (Forecast f : r.forecasts()) System.out.printf(Locale.ROOT, "  %-15s RMSE %.4f  MAE %.4f%n", f.model(), f.rmse(), f.mae());
        Files.createDirectories(out);
        Map<String, Object> metrics = new LinkedHashMap<>(r.metrics());
        metrics.put("series", csv != null ? csv.toString() : "co2");
        Map<String, Object> config = new LinkedHashMap<>();  // in a fixed order, so two runs' files compare line by line
        config.put("window", o.window());
        config.put("season", o.season());
        config.put("epochs", o.epochs());
        config.put("batch_size", o.batchSize());
        config.put("units", o.units());
        config.put("lr", o.lr());
        config.put("seed", o.seed());
        config.put("test_fraction", o.testFraction());
        metrics.put("config", config);
        AtomicFiles.write(out.resolve("metrics.json"), Reports.json(metrics));
        plot(out.resolve("forecast.png"), r, csv != null ? "value" : "CO2 (ppm)");
        System.out.println("Wrote " + out.resolve("metrics.json") + " and " + out.resolve("forecast.png"));
        return 0;
    }

    /** Whether every label is a date written yyyyMMdd (statsmodels' CO2 series), so the x axis can be in years. */
    static boolean years(Result r) {
        return r.series().labels().stream().allMatch(l -> l.matches("(19|20)\\d{6}"));
    }

    /** Point {@code i} on the x axis: its date as a fractional year where the labels are dates, else its index. */
    static double position(Result r, int i, boolean years) {
        if (!years) return i;
        String l = r.series().labels().get(i);
        java.time.LocalDate d = java.time.LocalDate.of(Integer.parseInt(l.substring(0, 4)), Integer.parseInt(l.substring(4, 6)),
                Integer.parseInt(l.substring(6, 8)));
        return d.getYear() + (d.getDayOfYear() - 1) / 365.25;
    }

    /** The test stretch: truth and every forecast, by position in the series. */
    static void plot(Path png, Result r, String unit) throws IOException {
        System.setProperty("java.awt.headless", "true");
        boolean years = years(r);
        XYChart chart = new XYChartBuilder().width(1000).height(500).title(String.format(Locale.ROOT,
                "One-step-ahead forecasts on the test set (last-value baseline: RMSE %.3f)", r.forecast("naive").rmse()))
                .xAxisTitle(years ? "year" : "position in the series").yAxisTitle(unit).build();
        double[] x = IntStream.range(0, r.truth().length).mapToDouble(i -> position(r, r.testStart() + i, years)).toArray();
        chart.addSeries("truth", x, r.truth()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        for (Forecast f : r.forecasts()) {
            if (f.model().equals("naive")) continue;  // the truth shifted by one week: it would hide the others
            chart.addSeries(String.format(Locale.ROOT, "%s (RMSE %.3f)", f.model(), f.rmse()), x, Arrays.copyOf(f.predictions(), x.length));
        }
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setXAxisDecimalPattern("0.#");
        Reports.save(png, chart);
    }
}
