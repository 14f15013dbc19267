package dev.panamax.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void pairsRunsAQuickComparison() {
        assertEquals(0, BenchCli.run("bench", "pairs", "--pair", "java:1,java:1", "--sizes", "16", "--seconds", "0.05", "--json"));
    }

    @Test
    void badPairsAndUnknownBenchmarksAreRefused() {
        assertEquals(2, BenchCli.run("bench", "pairs", "--pair", "java:1"));
        assertEquals(1, BenchCli.run("bench", "pairs", "--pair", "mkl:1,java:1"));
        assertEquals(1, BenchCli.run("bench", "pairs", "--pair", "java:1,java:99"));
        assertEquals(2, BenchCli.run("bench", "nothing"));
    }
}
