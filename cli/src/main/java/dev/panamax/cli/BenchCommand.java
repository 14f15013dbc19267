package dev.panamax.cli;

import dev.panamax.bench.GemmTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code panamax bench gemm [--json]}: what this machine's GEMMs do, in under a minute. */
@Command(name = "bench", description = "Quick benchmarks (gemm: GFLOP/s of naive Java, Panamax Java and OpenBLAS).")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Which benchmark: gemm", defaultValue = "gemm")
    String what;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--sizes", split = ",", description = "Matrix sizes (default: ${DEFAULT-VALUE}).",
            defaultValue = "64,128,256,512,1024,2048")
    int[] sizes;

    @Option(names = "--seconds", description = "Seconds of timed runs per figure (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.6")
    double seconds;

    @Override
    public Integer call() {
        if (!what.equals("gemm")) {
            System.err.println("panamax bench: unknown benchmark '" + what + "'; available: gemm");
            return 2;
        }
        GemmTable.print(GemmTable.measure(sizes, new int[] {1, 2}, seconds), json, System.out);
        return 0;
    }
}
