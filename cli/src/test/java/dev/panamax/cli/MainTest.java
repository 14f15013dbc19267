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
        for (String command : new String[] {"train", "example", "explain", "generate", "embed", "similar", "evaluate", "predict", "export", "doctor", "bench", "compare"}) {
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
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        collect(new picocli.CommandLine(new Main()), new java.util.ArrayList<>(), paths);
        assertTrue(paths.size() >= 12, paths.toString());
        for (java.util.List<String> path : paths) {
            for (String flag : new String[] {"--help", "-h"}) {
                java.util.List<String> args = new java.util.ArrayList<>(path);
                args.add(flag);
                String said = capture(() -> Main.run(args.toArray(String[]::new)), 0);
                assertTrue(said.contains("Usage: panamax " + String.join(" ", path)), args + ":\n" + said);
            }
        }
    }

    private static void collect(picocli.CommandLine cmd, java.util.List<String> path, java.util.List<java.util.List<String>> into) {
        for (var e : cmd.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            java.util.List<String> p = new java.util.ArrayList<>(path);
            p.add(e.getKey());
            into.add(p);
            collect(e.getValue(), p, into);
        }
    }

    @Test
    void anInternalErrorIsOneLineAndDebugShowsTheTrace() {
        assertEquals("internal error: java.lang.NullPointerException: boom (this is a bug; --debug shows where)",
                Main.message(new NullPointerException("boom")));
        assertEquals("--threads must be positive", Main.message(new ExceptionInInitializerError(new IllegalArgumentException("--threads must be positive"))));
        String plain = capture(() -> Main.run("predict", "/nonexistent/model", "/nonexistent/x.png"), 1);
        assertEquals(1, plain.strip().lines().count(), plain);
        String debug = capture(() -> Main.run("predict", "/nonexistent/model", "/nonexistent/x.png", "--debug"), 1);
        assertTrue(debug.contains("\tat dev.panamax.cli.PredictCommand"), debug);
    }
}
