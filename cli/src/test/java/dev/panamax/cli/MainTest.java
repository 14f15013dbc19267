package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class MainTest {
    static String capture(Supplier<Integer> run, int expectedCode) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        int code;
        try {
            code = run.get();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, text);
        return text;
    }

    @Test
    void helpListsEveryCommandIncludingThoseOfTheBenchJar() {
        String help = capture(() -> Main.run("--help"), 0);
        for (String command : new String[] {"train", "generate", "embed", "similar", "evaluate", "predict", "export", "example", "doctor", "bench", "compare"}) {
            assertTrue(help.contains("\n  " + command + " "), command + " missing from:\n" + help);
        }
    }

    @Test
    void benchAndCompareRunDirectlySayWhereTheyLive() {
        String said = capture(() -> Main.run("compare", "--quick"), 2);
        assertTrue(said.contains("panamax-bench.jar"), said);
        capture(() -> Main.run("bench", "gemm"), 2);
    }

    @Test
    void everyCommandTakesHelp() {
        assertTrue(capture(() -> Main.run("train", "--help"), 0).contains("Usage: panamax train"));
    }
}
