package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax example timeseries --csv}: its files and keys, and one clear line for a gap or a short series. */
class ExampleTimeseriesCommandTest {
    /** Six years of a weekly seasonal series with a trend, written as label,value rows. */
    static Path series(Path dir, int weeks, boolean gap) throws IOException {
        StringBuilder b = new StringBuilder("week,value\n");
        for (int i = 0; i < weeks; i++) {
            double v = 300 + 0.03 * i + 3 * Math.sin(2 * Math.PI * i / 52.0) + 0.2 * Math.sin(i * 1.7);
            b.append(i).append(',').append(gap && i == 40 ? "" : String.format(Locale.ROOT, "%.2f", v)).append('\n');
        }
        return Files.writeString(dir.resolve("series.csv"), b);
    }

    @Test
    void writesMetricsWithEveryKeyAndThePlot(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out"), csv = series(dir, 300, false);
        String said = MainTest.capture(() -> Main.run("example", "timeseries", "--csv", csv.toString(), "--window", "26",
                "--epochs", "2", "--out", out.toString()), 0);
        assertTrue(said.contains("lstm") && said.contains("RMSE"), said);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String key : new String[] {"rmse_lstm", "rmse_gru", "rmse_conv1d", "rmse_naive", "rmse_seasonal_naive", "mae_lstm"}) {
            assertTrue(m.has(key) && m.get(key).asDouble() > 0, key + " missing from " + m);
        }
        assertEquals(26, m.get("config").get("window").asInt());
        assertTrue(Files.size(out.resolve("forecast.png")) > 1000);
    }

    @Test
    void aGapOrAShortSeriesIsOneLine(@TempDir Path dir) throws IOException {
        String gap = MainTest.capture(() -> {
            try {
                return Main.run("example", "timeseries", "--csv", series(dir, 300, true).toString(), "--out", dir.resolve("o").toString());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, 1);
        assertEquals("panamax example timeseries: " + dir.resolve("series.csv") + " line 42: missing value; fill it in (or interpolate the gaps) "
                + "before training", gap.strip());
        String shortOne = MainTest.capture(() -> {
            try {
                return Main.run("example", "timeseries", "--csv", series(dir, 40, false).toString(), "--out", dir.resolve("o").toString());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, 1);
        assertTrue(shortOne.startsWith("panamax example timeseries: ") && shortOne.contains("too short for a window of 52"), shortOne);
        assertEquals(1, shortOne.strip().lines().count(), shortOne);
    }
}
