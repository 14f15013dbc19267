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

/** {@code panamax example dqn --quick}: its files and keys, and one line for a bad option. */
class ExampleDqnCommandTest {
    @Test
    void quickRunWritesMetricsAndPlot(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("dqn");
        String said = MainTest.capture(() -> Main.run("example", "dqn", "--quick", "--out", out.toString()), 0);
        assertTrue(said.contains("best 100-episode average"), said);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(200, m.get("episodes").asInt());
        assertEquals(200, m.get("returns").size());
        double best = m.get("average_return_100").asDouble(), random = m.get("random_policy_average").asDouble();
        assertTrue(best > 3 * random, "best 100-episode average " + best + " against a random policy's " + random);
        assertTrue(Files.size(out.resolve("returns.png")) > 1000);
    }

    @Test
    void badOptionsGetOneLine(@TempDir Path dir) {
        Path out = dir.resolve("dqn");
        String said = MainTest.capture(() -> Main.run("example", "dqn", "--gamma", "1.5", "--out", out.toString()), 1);
        assertTrue(said.contains("γ must be in [0, 1)"), said);
        assertEquals(1, said.strip().lines().count(), said);
        assertFalse(Files.exists(out.resolve("metrics.json")));
    }
}
