package dev.panamax.bench;

import dev.panamax.autodiff.testing.OpInfo;
import dev.panamax.autodiff.testing.OpInfos;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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

    public static List<Collection<RunResult>> run(String regex, boolean quick, int forks, int rounds, List<String> params)
            throws RunnerException {
        if (forks < 1) throw new IllegalArgumentException("--forks must be at least 1, got " + forks);
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        List<String> flags = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--") || arg.startsWith("-Dpanamax.") || arg.startsWith("-Darrow.")) flags.add(arg);
        }
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(regex)
                .forks(forks)
                .jvmArgs(flags.toArray(String[]::new))
                // docs/PLATFORM.md, "Warm-up and JIT transients": warm up at least 1.5 s and report medians of several runs.
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
            o.param("op", OpInfos.all().stream()
                    .map(OpInfo::name).filter(n -> !n.startsWith("dropout")).toArray(String[]::new));
        }
        // Rounds repeat the whole selection, so benchmarks that are compared alternate in time instead of
        // running minutes apart: this machine's speed drifts by tens of percent over minutes.
        List<Collection<RunResult>> results = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            if (rounds > 1) System.out.println("# Round " + r + " of " + rounds);
            results.add(new Runner(o.build()).run());
        }
        JmhSummary.print(results, GemmTable.blasDescription(), System.out);
        return results;
    }
}
