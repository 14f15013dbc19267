package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax example gan} on a slice of MNIST for a few steps: its files and metrics keys, and one line for a bad option. */
class ExampleGanCommandTest {
    @Test
    void shortRunWritesMetricsGridsAndClassifier(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("gan");
        String said = MainTest.capture(() -> Main.run("example", "gan", "--limit", "256", "--epochs", "1", "--samples", "40", "--out", out.toString()), 0);
        assertTrue(said.contains("Quality of 40 generated digits"), said);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        double share = m.get("confident_share").asDouble();
        assertTrue(share >= 0 && share <= 1, "confident_share " + share);
        assertEquals(10, m.get("class_counts").size());
        long total = 0;
        for (JsonNode c : m.get("class_counts")) total += c.asLong();
        assertEquals(40, total, "every scored sample in one class");
        assertTrue(Double.isFinite(m.get("d_loss_final").asDouble()) && Double.isFinite(m.get("g_loss_final").asDouble()), m.toString());
        assertEquals(4, m.get("steps").asInt(), "256 digits in batches of 64");
        for (String png : new String[] {"epoch-01.png", "samples.png", "losses.png"}) assertTrue(Files.size(out.resolve(png)) > 1000, png);
        assertTrue(Files.exists(out.resolve("classifier").resolve("config.json")), "the classifier is saved for --classifier");
    }

    @Test
    void badOptionsGetOneLine(@TempDir Path dir) {
        Path out = dir.resolve("gan");
        String said = MainTest.capture(() -> Main.run("example", "gan", "--epochs", "0", "--out", out.toString()), 1);
        assertTrue(said.contains("--epochs and --samples must be at least 1"), said);
        assertEquals(1, said.strip().lines().count(), said);
        assertFalse(Files.exists(out.resolve("metrics.json")));
    }
}
