package dev.panamax.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JmhSummaryTest {
    private static Map<String, Double> round(double java1, double java2, double blas1) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("GemmBench.java n=1024 threads=1 GFLOP/s", java1);
        m.put("GemmBench.java n=1024 threads=2 GFLOP/s", java2);
        m.put("GemmBench.openblas n=1024 threads=1 GFLOP/s", blas1);
        return m;
    }

    @Test
    void ratiosAreTakenWithinEachRoundAndSummarisedByTheirMedian() {
        List<String> lines = JmhSummary.lines(List.of(round(45, 81, 50), round(30, 57, 60), round(50, 95, 55)));
        // three figures, one Java/OpenBLAS ratio (none at 2 threads: OpenBLAS was not measured there), one speed-up
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertFigure(lines.get(0), "GemmBench.java n=1024 threads=1 GFLOP/s", "45.00", "45.00, 30.00, 50.00");
        // per round 0.90, 0.50, 0.91: the median ratio, not the ratio of medians (45 / 55 = 0.82)
        assertFigure(lines.get(3), "Java / OpenBLAS n=1024 threads=1", "0.90", "0.90, 0.50, 0.91");
        assertFigure(lines.get(4), "Java 2 threads / 1 thread n=1024", "1.90", "1.80, 1.90, 1.90");
    }

    @Test
    void oneRoundPrintsPlainFigures() {
        List<String> lines = JmhSummary.lines(List.of(Map.of("GemmBench.openblas n=64 threads=1 GFLOP/s", 12.345)));
        assertEquals(1, lines.size());
        assertEquals(List.of("GemmBench.openblas", "n=64", "threads=1", "GFLOP/s", "12.35"), List.of(lines.get(0).trim().split(" +")));
    }

    private static void assertFigure(String line, String key, String median, String perRound) {
        assertTrue(line.startsWith(key + " "), line);
        assertEquals(median + "  median of 3 rounds: " + perRound, line.substring(key.length()).trim(), line);
    }

    @Test
    void medianOfEvenCountAveragesTheMiddlePair() {
        assertEquals(2.5, JmhSummary.median(List.of(4.0, 1.0, 3.0, 2.0)));
    }
}
