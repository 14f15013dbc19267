package dev.panamax.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;

/**
 * What {@code panamax bench jmh} prints after JMH's own table: GEMM times as GFLOP/s, elementwise ones as GB/s,
 * and where a GEMM size was measured for both Panamax Java and OpenBLAS, their ratio and Java's 2-thread
 * speed-up, per round and as the median over rounds. A ratio is only taken within a round, so both sides
 * ran minutes apart at most.
 */
final class JmhSummary {
    private JmhSummary() {}

    static void print(List<Collection<RunResult>> rounds, String blasDescription, PrintStream out) {
        List<Map<String, Double>> figures = new ArrayList<>();
        for (Collection<RunResult> round : rounds) {
            Map<String, Double> f = new LinkedHashMap<>();
            for (RunResult r : round) {
                String label = r.getParams().getBenchmark().replace("dev.panamax.bench.jmh.", "");
                if (!r.getPrimaryResult().getScoreUnit().startsWith("us")) continue;
                String n = r.getParams().getParam("n"), t = r.getParams().getParam("threads");
                String key = label + " n=" + n + (t == null ? "" : " threads=" + t);
                double micros = r.getPrimaryResult().getScore();
                if (label.contains("Gemm") && n != null) {
                    double nn = Double.parseDouble(n);
                    f.put(key + " GFLOP/s", 2 * nn * nn * nn / (micros * 1e3));
                } else if (label.contains("Elementwise") && n != null) {
                    double bytes = Double.parseDouble(n) * (label.endsWith("add") ? 12 : label.endsWith("sum") ? 4 : 8);
                    f.put(key + " GB/s", bytes / (micros * 1e3));
                }
            }
            figures.add(f);
        }
        out.println();
        out.println("Derived figures (from the average times above); " + blasDescription + ":");
        lines(figures).forEach(line -> out.println("  " + line));
    }

    /** One line per figure, then the Java/OpenBLAS ratios and Java's 2-thread/1-thread speed-ups; one map per round. */
    static List<String> lines(List<Map<String, Double>> rounds) {
        Map<String, List<Double>> byKey = new LinkedHashMap<>();
        for (Map<String, Double> round : rounds) round.forEach((k, v) -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        List<String> lines = new ArrayList<>();
        byKey.forEach((k, v) -> lines.add(line(k, v)));
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        for (Map<String, Double> round : rounds) {
            round.forEach((k, java) -> {
                if (!k.startsWith("GemmBench.java ")) return;
                Double blas = round.get(k.replace("GemmBench.java ", "GemmBench.openblas "));
                if (blas != null) ratios.computeIfAbsent("Java / OpenBLAS " + sizeOf(k), x -> new ArrayList<>()).add(java / blas);
                Double oneThread = k.contains(" threads=2 ") ? round.get(k.replace(" threads=2 ", " threads=1 ")) : null;
                if (oneThread != null) ratios.computeIfAbsent("Java 2 threads / 1 thread " + sizeOf(k).replace(" threads=2", ""), x -> new ArrayList<>()).add(java / oneThread);
            });
        }
        ratios.forEach((k, v) -> lines.add(line(k, v)));
        return lines;
    }

    private static String sizeOf(String key) {
        return key.substring(key.indexOf(" n=") + 1, key.lastIndexOf(' '));
    }

    private static String line(String key, List<Double> values) {
        String figure = String.format(Locale.ROOT, "%-52s %8.2f", key, median(values));
        if (values.size() == 1) return figure;
        return figure + "  median of " + values.size() + " rounds: "
                + values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(", "));
    }

    static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
