package dev.panamax.apps.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.apps.timeseries.TimeseriesExample.Forecast;
import dev.panamax.apps.timeseries.TimeseriesExample.Options;
import dev.panamax.apps.timeseries.TimeseriesExample.Result;
import dev.panamax.nn.train.TrainingListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The time-series example on the first six years of the real CO2 record (the package's CSV, 1958-1964, with its
 * gaps): the gaps filled by interpolation, bad input refused in one line, and a short training of every model
 * whose loss falls, with the same numbers on a second run.
 */
class TimeseriesExampleTest {
    static Series slice() throws IOException {
        try (InputStream in = TimeseriesExampleTest.class.getResourceAsStream("/timeseries/co2_1958_1964.csv")) {
            return Series.parse("co2_1958_1964.csv", new String(in.readAllBytes(), StandardCharsets.UTF_8), true);
        }
    }

    @Test
    void gapsAreFilledByStraightLinesAndCounted() throws IOException {
        Series s = slice();
        assertEquals(312, s.size());
        assertEquals(34, s.interpolated());
        assertEquals("19580510", s.labels().get(6));
        assertEquals((316.9 + 317.5) / 2, s.values()[6], 1e-9);  // one missing week between 316.9 and 317.5
        assertEquals(s.values()[310], s.values()[311], 0.0);  // the last week is missing: the nearest value
        Series two = Series.parse("t", "date,v\n1,1\n2,\n3,NA\n4,4\n", true);
        assertArrayEquals(new double[] {1, 2, 3, 4}, two.values(), 1e-12);
    }

    @Test
    void aMissingValueInAUsersFileIsRefusedWithItsLine() {
        IOException e = assertThrows(IOException.class, () -> Series.parse("mine.csv", "date,v\n1,1\n2,\n3,3\n", false));
        assertEquals("mine.csv line 3: missing value; fill it in (or interpolate the gaps) before training", e.getMessage());
        IOException nan = assertThrows(IOException.class, () -> Series.parse("mine.csv", "date,v\n1,x\n", false));
        assertTrue(nan.getMessage().contains("line 2: 'x' is not a number"), nan.getMessage());
    }

    @Test
    void aSeriesShorterThanTheWindowIsRefused() throws IOException {
        Series s = Series.parse("short.csv", "date,v\n1,1\n2,2\n3,3\n4,4\n5,5\n", false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeseriesExample.run(s, Options.quick(1), new TrainingListener() {}));
        assertTrue(e.getMessage().startsWith("short.csv: the series has 5 values, too short for a window of 52"), e.getMessage());
    }

    @Test
    void everyModelsLossFallsAndTheRunIsDeterministic() throws IOException {
        Series s = slice();
        Options o = new Options(26, 52, 0.2, 4, 16, 8, 5e-3, 7);
        Result r = TimeseriesExample.run(s, o, new TrainingListener() {});
        assertEquals(250, r.testStart());
        assertEquals(62, r.truth().length);
        for (String m : TimeseriesExample.MODELS) {
            Forecast f = r.forecast(m);
            List<Double> loss = f.trainLoss();
            assertEquals(4, loss.size());
            assertTrue(loss.get(3) < loss.get(0), m + ": training loss did not fall: " + loss);
            assertTrue(Double.isFinite(f.rmse()) && f.rmse() > 0 && f.mae() <= f.rmse(), m + ": " + f.rmse() + ", " + f.mae());
        }
        // The baselines by their definitions.
        double[] v = s.values();
        assertEquals(v[249], r.forecast("naive").predictions()[0], 0.0);
        assertEquals(v[250 - 52], r.forecast("seasonal_naive").predictions()[0], 0.0);
        for (String key : List.of("rmse_lstm", "rmse_gru", "rmse_conv1d", "rmse_naive", "rmse_seasonal_naive")) {
            assertTrue(r.metrics().containsKey(key), key);
        }
        Result again = TimeseriesExample.run(s, o, new TrainingListener() {});
        for (String m : TimeseriesExample.MODELS) assertArrayEquals(r.forecast(m).predictions(), again.forecast(m).predictions(), 0.0, m);
    }
}
