package dev.panamax.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks ({@code ./panamax bench jmh [regex]}). Forked JVMs get exactly the flags this JVM
 * was started with (the launcher's, which come from the root pom), so the flags stay declared once. GEMM
 * results are also printed as GFLOP/s and elementwise ones as GB/s.
 */
public final class BenchMain {
    private BenchMain() {}

    public static Collection<RunResult> run(String regex, boolean quick, int forks, List<String> params) throws RunnerException {
        if (forks < 1) throw new IllegalArgumentException("--forks must be at least 1, got " + forks);
        List<String> flags = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--") || arg.startsWith("-Dpanamax.") || arg.startsWith("-Darrow.")) flags.add(arg);
        }
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(regex)
                .forks(forks)
                .jvmArgs(flags.toArray(String[]::new))
                // FACTS.md: JIT transients happen; warm up at least 1.5 s and report medians of several runs.
                .warmupIterations(quick ? 2 : 3).warmupTime(TimeValue.milliseconds(quick ? 800 : 1000))
                .measurementIterations(quick ? 3 : 5).measurementTime(TimeValue.milliseconds(quick ? 500 : 1000));
        boolean opGiven = false;
        for (String p : params) {
            String[] kv = p.split("=", 2);
            o.param(kv[0], kv[1].split(","));
            opGiven |= kv[0].equals("op");
        }
        if (!opGiven) {
            // OpBench runs one line per OpInfo record: the table, not a list kept here, decides which.
            o.param("op", dev.panamax.autodiff.testing.OpInfos.all().stream()
                    .map(dev.panamax.autodiff.testing.OpInfo::name).filter(n -> !n.startsWith("dropout")).toArray(String[]::new));
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        summarise(results);
        return results;
    }

    private static void summarise(Collection<RunResult> results) {
        System.out.println();
        System.out.println("Derived figures (from the average times above); " + GemmTable.blasDescription() + ":");
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark().replace("dev.panamax.bench.jmh.", "");
            double micros = r.getPrimaryResult().getScore();
            String unit = r.getPrimaryResult().getScoreUnit();
            if (!unit.startsWith("us")) continue;
            String n = r.getParams().getParam("n");
            if (label.contains("Gemm") && n != null) {
                double nn = Double.parseDouble(n);
                String t = r.getParams().getParam("threads");
                System.out.printf(Locale.ROOT, "  %-28s n=%-5s threads=%-2s %8.1f GFLOP/s%n", label, n, t == null ? "1" : t,
                        2 * nn * nn * nn / (micros * 1e3));
            } else if (label.contains("Elementwise") && n != null) {
                double bytes = Double.parseDouble(n) * (label.endsWith("add") ? 12 : label.endsWith("sum") ? 4 : 8);
                System.out.printf(Locale.ROOT, "  %-28s n=%-8s %8.1f GB/s%n", label, n, bytes / (micros * 1e3));
            }
        }
    }
}
