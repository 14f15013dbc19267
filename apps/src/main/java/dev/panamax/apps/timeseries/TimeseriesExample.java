package dev.panamax.apps.timeseries;

import dev.panamax.nn.Conv1D;
import dev.panamax.nn.Dense;
import dev.panamax.nn.GRU;
import dev.panamax.nn.LSTM;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.History;
import dev.panamax.nn.train.Trainer;
import dev.panamax.nn.train.TrainingListener;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code panamax example timeseries}: one-step-ahead forecasts of a weekly series (the Mauna Loa CO2 record by
 * default) by an LSTM, a GRU and a WaveNet-style stack of dilated causal convolutions, each trained with the
 * project's {@link Trainer} on {@link Windows} of the first part of the series and scored on the last part against
 * two baselines: the last value ({@code s[t-1]}) and the value one season earlier ({@code s[t-season]}). Errors are
 * in the series' own units. Seeded: the same options and thread count give the same numbers.
 */
public final class TimeseriesExample {
    private TimeseriesExample() {}

    /**
     * @param window       weeks of history per example
     * @param season       the seasonal period for the seasonal-naive baseline
     * @param testFraction the share of the series, from its end, whose values are forecast for the score
     * @param units        hidden units of the recurrent models (and filters of the convolutions)
     */
    public record Options(int window, int season, double testFraction, int epochs, int batchSize, int units, double lr, long seed) {
        public Options {
            if (window < 1 || season < 1 || epochs < 1 || batchSize < 1 || units < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("window, season, epochs, batch size, units and learning rate must be positive");
            }
            if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("the test fraction must lie in (0, 1), got " + testFraction);
        }

        /** The full run: a year's window, 30 epochs. */
        public static Options full(long seed) {
            return new Options(52, 52, 0.2, 30, 32, 32, 2e-3, seed);
        }

        /** A short run for a first look (and CI): 4 epochs. */
        public static Options quick(long seed) {
            return new Options(52, 52, 0.2, 4, 32, 16, 3e-3, seed);
        }
    }

    /** One model's (or baseline's) test forecasts, in the series' units, and its errors. */
    public record Forecast(String model, double[] predictions, double rmse, double mae, List<Double> trainLoss) {}

    /**
     * @param testStart index in the series of the first forecast value
     * @param truth     the series' values from {@code testStart} on
     */
    public record Result(Series series, int testStart, double[] truth, List<Forecast> forecasts, int trainExamples, double seconds) {
        public Forecast forecast(String model) {
            return forecasts.stream().filter(f -> f.model().equals(model)).findFirst().orElseThrow();
        }

        /** The keys scripts rely on: {@code rmse_<model>} and {@code mae_<model>} for every model and baseline. */
        public Map<String, Object> metrics() {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Forecast f : forecasts) m.put("rmse_" + f.model(), f.rmse());
            for (Forecast f : forecasts) m.put("mae_" + f.model(), f.mae());
            m.put("test_points", truth.length);
            m.put("train_examples", trainExamples);
            m.put("interpolated_values", series.interpolated());
            m.put("wall_seconds", seconds);
            return m;
        }
    }

    /** The models compared, by metrics name. */
    public static final List<String> MODELS = List.of("lstm", "gru", "conv1d");

    /** Throws, in one line, unless {@code series} is long enough for {@code o}'s window, season and test share. */
    public static void check(Series series, Options o) {
        int n = series.size(), split = split(n, o), first = Math.max(o.window(), o.season());
        if (n < first + 2 || split <= first) {
            throw new IllegalArgumentException(series.source() + ": the series has " + n + " values, too short for a window of " + o.window()
                    + " and a season of " + o.season() + " (training needs more than " + first + " values before the last "
                    + Math.round(o.testFraction() * 100) + "% kept for testing); use a longer series or a shorter --window");
        }
    }

    private static int split(int n, Options o) {
        return n - (int) Math.round(n * o.testFraction());
    }

    public static Result run(Series series, Options o, TrainingListener listener) {
        check(series, o);
        int n = series.size(), split = split(n, o), first = Math.max(o.window(), o.season());
        long start = System.nanoTime();
        double[] s = series.values();
        Windows w = Windows.of(s, o.window(), split);
        double[] truth = java.util.Arrays.copyOfRange(s, split, n);
        List<Forecast> out = new ArrayList<>();
        try (MemoryScope scope = MemoryScope.open("timeseries")) {
            Tensor x = w.inputs(first, split), y = w.targets(first, split), xTest = w.inputs(split, n);
            for (String name : MODELS) {
                try (MemoryScope m = MemoryScope.open(name)) {
                    Sequential model = model(name, o);
                    try (Trainer trainer = new Trainer(model, new Adam(o.lr()), Loss.byName("mse", false))) {
                        History h = trainer.fit(x, y, FitOptions.builder().epochs(o.epochs()).batchSize(o.batchSize()).callbacks(listener).build());
                        double[] pred = trainer.predict(xTest, 512).toDoubleArray();
                        for (int i = 0; i < pred.length; i++) pred[i] = w.unscale(split + i, pred[i]);
                        out.add(score(name, pred, truth, h.metrics().get("loss")));
                    }
                    model.close();
                }
            }
        }
        double[] naive = new double[truth.length], seasonal = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            naive[i] = s[split + i - 1];
            seasonal[i] = s[split + i - o.season()];
        }
        out.add(score("naive", naive, truth, List.of()));
        out.add(score("seasonal_naive", seasonal, truth, List.of()));
        return new Result(series, split, truth, List.copyOf(out), split - first, (System.nanoTime() - start) / 1e9);
    }

    /** The three models: LSTM or GRU then a linear output, or dilated causal convolutions reaching back over the window. */
    static Sequential model(String name, Options o) {
        Sequential m = new Sequential(name, o.seed());
        switch (name) {
            case "lstm" -> m.add(new LSTM(o.units()));
            case "gru" -> m.add(new GRU(o.units()));
            case "conv1d" -> {
                // Kernel 2, dilations 1, 2, 4, …: the receptive field doubles per layer until it covers the window.
                for (int d = 1, reach = 1; reach < o.window(); reach += d, d *= 2) m.add(new Conv1D(o.units(), 2, d, "causal", "relu"));
                m.add(new LastStep());
            }
            default -> throw new IllegalArgumentException("unknown model " + name);
        }
        m.add(new Dense(1, "linear"));
        return m.build(o.window(), 1);
    }

    static Forecast score(String name, double[] pred, double[] truth, List<Double> loss) {
        double se = 0, ae = 0;
        for (int i = 0; i < truth.length; i++) {
            double e = pred[i] - truth[i];
            se += e * e;
            ae += Math.abs(e);
        }
        return new Forecast(name, pred, Math.sqrt(se / truth.length), ae / truth.length, List.copyOf(loss));
    }
}
