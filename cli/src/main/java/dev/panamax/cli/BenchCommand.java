package dev.panamax.cli;

import dev.panamax.bench.BenchMain;
import dev.panamax.bench.GemmTable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code panamax bench gemm [--json]}: what this machine's GEMMs do, in under a minute.
 * {@code panamax bench jmh [REGEX] [-p n=1024]}: the JMH benchmarks (GemmBench, ConvBench, FfmCallBench, ...).
 */
@Command(name = "bench", description = {"Benchmarks.", "  gemm: quick GFLOP/s table of naive Java, Panamax Java and OpenBLAS.",
        "  jmh [REGEX]: the JMH benchmarks whose names match REGEX (default: all)."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "gemm or jmh", defaultValue = "gemm")
    String what;

    @Parameters(index = "1", arity = "0..1", description = "jmh: benchmark name regex", defaultValue = ".*")
    String regex;

    @Option(names = "--json", description = "gemm: one JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--sizes", split = ",", description = "gemm: matrix sizes (default: ${DEFAULT-VALUE}).",
            defaultValue = "64,128,256,512,1024,2048")
    int[] sizes;

    @Option(names = "--seconds", description = "gemm: seconds of timed runs per figure (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.6")
    double seconds;

    @Option(names = "--impl", split = ",", description = "gemm: implementations to measure, of ${COMPLETION-CANDIDATES} (default: all).")
    Set<GemmTable.Impl> impls = EnumSet.allOf(GemmTable.Impl.class);

    @Option(names = "--threads", split = ",", description = "gemm: thread counts (default: ${DEFAULT-VALUE}).", defaultValue = "1,2")
    int[] threads;

    @Option(names = "--quick", description = "jmh: shorter warm-up and measurement.")
    boolean quick;

    @Option(names = "--forks", defaultValue = "1",
            description = "jmh: fresh JVMs per benchmark (default: ${DEFAULT-VALUE}); a JIT-compiled kernel can differ from one JVM to the next.")
    int forks;

    @Option(names = "--rounds", defaultValue = "1",
            description = "jmh: run the whole selection this many times, alternating the benchmarks, and report medians and per-round ratios (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = {"-p", "--param"}, description = "jmh: override a parameter, e.g. -p n=1024,2048")
    List<String> params = List.of();

    @Override
    public Integer call() throws Exception {
        switch (what) {
            case "gemm" -> GemmTable.print(GemmTable.measure(sizes, threads, seconds, impls), json, System.out);
            case "jmh" -> BenchMain.run(regex, quick, forks, rounds, params);
            default -> {
                System.err.println("panamax bench: unknown benchmark '" + what + "'; available: gemm, jmh");
                return 2;
            }
        }
        return 0;
    }
}
