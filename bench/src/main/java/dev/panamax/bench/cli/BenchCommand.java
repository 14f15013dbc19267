package dev.panamax.bench.cli;

import dev.panamax.bench.BenchMain;
import dev.panamax.bench.GemmPairs;
import dev.panamax.bench.GemmTable;
import dev.panamax.bench.serve.ServeBench;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code panamax bench gemm [--json]}: what this machine's GEMMs do, in under a minute.
 * {@code panamax bench pairs [--pair java:1,openblas:1]}: two GEMMs alternating product by product, ratio per pair.
 * {@code panamax bench jmh [REGEX] [-p n=1024]}: the JMH benchmarks (GemmBench, ConvBench, FfmCallBench, ...).
 * {@code panamax bench serve [--model DIR] [--connections 1,16,256]}: the inference server under load, batching on and off.
 */
@Command(name = "bench", description = {"Benchmarks.", "  gemm: quick GFLOP/s table of naive Java, Panamax Java and OpenBLAS.",
        "  pairs: two GEMMs alternating product by product (--pair java:1,openblas:1), ratios taken pair by pair.",
        "  jmh [REGEX]: the JMH benchmarks whose names match REGEX (default: all).",
        "  serve: the MNIST CNN behind 'panamax serve' (in this JVM) under 1, 16 and 256 connections, batching on and off."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "gemm, pairs, jmh or serve", defaultValue = "gemm")
    String what;

    @Parameters(index = "1", arity = "0..1", description = "jmh: benchmark name regex", defaultValue = ".*")
    String regex;

    @Option(names = "--json", description = "gemm, pairs: one JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--sizes", split = ",", description = "gemm, pairs: matrix sizes (default: 64,128,256,512,1024,2048; pairs: 1024).")
    int[] sizes;

    @Option(names = "--seconds", description = "gemm: seconds of timed runs per figure (default: 0.6); pairs: seconds of pairs per size (default: 60); serve: seconds measured per row (default: 10).")
    Double seconds;

    @Option(names = "--pair", split = ",", description = "pairs: CONTENDER,BASELINE, each IMPL:THREADS (default: ${DEFAULT-VALUE}; java:2,java:1 measures the 2-thread speed-up).",
            defaultValue = "java:1,openblas:1")
    List<String> pair;

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

    @Option(names = "--model", defaultValue = "out/mnist/model",
            description = "serve: the model folder (default: ${DEFAULT-VALUE}; absent, an untrained CNN of the same architecture).")
    Path model;

    @Option(names = "--connections", split = ",", defaultValue = "1,16,256", description = "serve: concurrent connections per row (default: ${DEFAULT-VALUE}).")
    int[] connections;

    @Option(names = "--warmup", defaultValue = "3", description = "serve: seconds of load before each measured row (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--npy", description = "serve: send the image as a float32 .npy body instead of JSON.")
    boolean npy;

    @Option(names = "--url", description = "serve: drive this running server's :predict URL instead of starting one (a 28x28 image model).")
    URI url;

    @Option(names = {"-p", "--param"}, description = "jmh: override a parameter, e.g. -p n=1024,2048")
    List<String> params = List.of();

    @Override
    public Integer call() throws Exception {
        switch (what) {
            case "gemm" -> GemmTable.print(GemmTable.measure(sizes == null ? new int[] {64, 128, 256, 512, 1024, 2048} : sizes,
                    threads, seconds == null ? 0.6 : seconds, impls), json, System.out);
            case "pairs" -> {
                if (pair.size() != 2) {
                    System.err.println("panamax bench pairs: --pair takes two sides, CONTENDER,BASELINE (e.g. java:1,openblas:1), got " + pair);
                    return 2;
                }
                GemmPairs.Side contender = GemmPairs.Side.parse(pair.get(0)), baseline = GemmPairs.Side.parse(pair.get(1));
                double pairSeconds = seconds == null ? 60 : seconds;
                GemmPairs.print(GemmPairs.measure(contender, baseline, sizes == null ? new int[] {1024} : sizes, pairSeconds),
                        contender, baseline, pairSeconds, json, System.out);
            }
            case "jmh" -> BenchMain.run(regex, quick, forks, rounds, params);
            case "serve" -> {
                double s = seconds == null ? 10 : seconds;
                if (url != null) ServeBench.drive(url, npy, connections, warmup, s, "external", json, System.out);
                else ServeBench.run(model, npy, connections, warmup, s, json, System.out);
            }
            default -> {
                System.err.println("panamax bench: unknown benchmark '" + what + "'; available: gemm, pairs, jmh, serve");
                return 2;
            }
        }
        return 0;
    }
}
