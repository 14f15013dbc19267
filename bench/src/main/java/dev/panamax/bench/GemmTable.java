package dev.panamax.bench;

import dev.panamax.ffm.openblas.Cblas;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.gemm.Gemm;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code panamax bench gemm}: a quick table of square sgemm GFLOP/s for the naive triple loop, Panamax's Java
 * GEMM and OpenBLAS through FFM, at 1 and 2 threads, in well under a minute. Each figure is the median of
 * several timed runs after a warm-up; for publication-grade numbers use the JMH benchmarks
 * ({@code GemmBench}).
 */
public final class GemmTable {
    /** One measured figure. */
    public record Row(String impl, int n, int threads, double gflops) {
        public String json() {
            return String.format(Locale.ROOT, "{\"impl\": \"%s\", \"n\": %d, \"threads\": %d, \"gflops\": %.1f}", impl, n, threads, gflops);
        }
    }

    /** The implementations a table can hold. */
    public enum Impl { naive, java, openblas }

    private GemmTable() {}

    public static List<Row> measure(int[] sizes, int[] threadCounts, double secondsPerFigure) {
        return measure(sizes, threadCounts, secondsPerFigure, EnumSet.allOf(Impl.class));
    }

    /**
     * The figures of {@code impls} only. Measuring OpenBLAS alone keeps the JIT from compiling the Java kernels
     * beside it, which is how its FFM path is compared with a C caller ({@code native/openblas-bench}).
     */
    public static List<Row> measure(int[] sizes, int[] threadCounts, double secondsPerFigure, Set<Impl> impls) {
        List<Row> rows = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {  // shared: the GEMM runs on pool threads
            if (impls.contains(Impl.java)) warmUp(arena, secondsPerFigure);
            for (int n : sizes) {
                long elems = (long) n * n;
                MemorySegment a = random(arena, elems, 1), b = random(arena, elems, 2), c = arena.allocate(elems * 4, 64);
                for (int t : threadCounts) {
                    if (t > Parallel.THREADS) continue;
                    if (impls.contains(Impl.naive) && n <= 512 && t == 1) {
                        rows.add(new Row("naive", n, 1, gflops(n, secondsPerFigure, () -> naive(a, b, c, n))));
                    }
                    if (impls.contains(Impl.java)) {
                        rows.add(new Row("java", n, t, gflops(n, secondsPerFigure,
                                () -> Gemm.sgemm(t, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n))));
                    }
                    if (impls.contains(Impl.openblas) && Cblas.isAvailable()) {
                        Cblas.openblas_set_num_threads(t);
                        rows.add(new Row("openblas", n, t, gflops(n, secondsPerFigure, () -> Cblas.cblas_sgemm(
                                Cblas.CblasRowMajor, Cblas.CblasNoTrans, Cblas.CblasNoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n))));
                    }
                }
            }
        }
        return rows;
    }

    /** Compiles the Java kernels before the first figure (docs/PLATFORM.md, "Warm-up and JIT transients": at least 1.5 s). */
    private static void warmUp(Arena arena, double seconds) {
        int n = 192;
        MemorySegment a = random(arena, (long) n * n, 3), c = arena.allocate((long) n * n * 4, 64);
        long end = System.nanoTime() + (long) (Math.max(1.5, 2 * seconds) * 1e9);
        while (System.nanoTime() < end) {
            for (int t = 1; t <= Math.min(2, Parallel.THREADS); t++) Gemm.sgemm(t, false, false, n, n, n, 1f, a, 0, n, a, 0, n, 0f, c, 0, n);
            Gemm.sgemm(1, false, false, 17, 17, 17, 1f, a, 0, 17, a, 0, 17, 0f, c, 0, 17);
        }
    }

    static MemorySegment random(Arena arena, long n, long seed) {
        MemorySegment s = arena.allocate(n * 4, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
        return s;
    }

    /** The textbook i-j-k loop over Java arrays: the baseline every other figure is compared to. */
    private static void naive(MemorySegment a, MemorySegment b, MemorySegment c, int n) {
        float[] x = a.toArray(ValueLayout.JAVA_FLOAT), y = b.toArray(ValueLayout.JAVA_FLOAT), z = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < n; p++) s += x[i * n + p] * y[p * n + j];
                z[i * n + j] = s;
            }
        }
        MemorySegment.copy(z, 0, c, ValueLayout.JAVA_FLOAT, 0, z.length);
    }

    /** Median GFLOP/s over timed runs filling about {@code seconds}, after a warm-up of a third of that. */
    static double gflops(int n, double seconds, Runnable op) {
        long warmEnd = System.nanoTime() + (long) (seconds / 3 * 1e9);
        do op.run(); while (System.nanoTime() < warmEnd);
        List<Double> runs = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            op.run();
            runs.add(2.0 * n * n * n / (System.nanoTime() - t0));
        } while (System.nanoTime() < end || runs.size() < 3);
        runs.sort(null);
        return runs.get(runs.size() / 2);
    }

    public static void print(List<Row> rows, boolean json, PrintStream out) {
        if (json) {
            rows.forEach(r -> out.println(r.json()));
            return;
        }
        out.println(header());
        out.printf("%-9s %6s %8s %10s%n", "impl", "n", "threads", "GFLOP/s");
        for (Row r : rows) out.printf(Locale.ROOT, "%-9s %6d %8d %10.1f%n", r.impl, r.n, r.threads, r.gflops);
    }

    static String header() {
        return "sgemm, square n x n, median of timed runs; " + blasDescription();
    }

    /** Which OpenBLAS (library and kernel) the figures come from, or why there is none. */
    static String blasDescription() {
        return Cblas.isAvailable()
                ? "OpenBLAS " + Cblas.library().path() + ", kernel " + Cblas.string(Cblas.openblas_get_corename())
                        + (System.getenv("OPENBLAS_CORETYPE") != null ? " (OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE") + ")" : "")
                : "OpenBLAS not found: " + Cblas.library().problem();
    }
}
