package dev.panamax.bench;

import dev.panamax.ffm.openblas.Cblas;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.gemm.Gemm;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code panamax bench pairs}: two GEMMs run one product each in turn (the first of each pair alternating) for a
 * fixed time, and the ratio is taken within each pair, 25-100 ms apart. On a shared machine whose speed swings
 * by tens of percent within seconds (this project's development machine does), a ratio of two separately timed
 * figures mostly measures when each was taken; per-pair ratios measure the two kernels under the same
 * conditions. The summary also splits the pairs by the baseline's speed: its fastest quarter is where the core
 * was least contended.
 */
public final class GemmPairs {
    /** One side of a comparison: an implementation on a thread count, e.g. {@code java:2}. */
    public record Side(GemmTable.Impl impl, int threads) {
        public static Side parse(String text) {
            String[] parts = text.split(":", 2);
            GemmTable.Impl impl;
            try {
                impl = GemmTable.Impl.valueOf(parts[0]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown GEMM '" + parts[0] + "' in '" + text + "': use java or openblas, e.g. java:1");
            }
            if (impl == GemmTable.Impl.naive) throw new IllegalArgumentException("naive GEMMs are too slow to pair; use java or openblas");
            int threads = parts.length == 1 ? 1 : Integer.parseInt(parts[1]);
            if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1 in '" + text + "'");
            return new Side(impl, threads);
        }

        @Override
        public String toString() {
            return impl + ":" + threads;
        }
    }

    /** What the pairs of one size showed; ratios are contender / baseline. */
    public record Summary(int n, int pairs, double median, double lowerQuartile, double upperQuartile,
                          double slowQuarterRatio, double fastQuarterRatio, double slowQuarterBaseline, double fastQuarterBaseline) {
        /**
         * Summarises pairs given as GFLOP/s of each side, pair by pair. The slow and fast quarters are the pairs
         * with the slowest and the fastest baseline figure; their ratio is the median within that quarter.
         */
        public static Summary of(int n, double[] contender, double[] baseline) {
            if (contender.length != baseline.length || contender.length < 4) {
                throw new IllegalArgumentException("need at least 4 pairs of equal length, got " + contender.length + " and " + baseline.length);
            }
            int count = contender.length;
            double[] ratios = new double[count];
            for (int i = 0; i < count; i++) ratios[i] = contender[i] / baseline[i];
            Integer[] bySpeed = new Integer[count];
            for (int i = 0; i < count; i++) bySpeed[i] = i;
            Arrays.sort(bySpeed, (x, y) -> Double.compare(baseline[x], baseline[y]));
            int quarter = count / 4;
            double[] slow = new double[quarter], fast = new double[quarter], slowBase = new double[quarter], fastBase = new double[quarter];
            for (int i = 0; i < quarter; i++) {
                int s = bySpeed[i], f = bySpeed[count - 1 - i];
                slow[i] = ratios[s];
                fast[i] = ratios[f];
                slowBase[i] = baseline[s];
                fastBase[i] = baseline[f];
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            return new Summary(n, count, quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75),
                    medianOf(slow), medianOf(fast), medianOf(slowBase), medianOf(fastBase));
        }

        String describe(Side contender, Side baseline, double seconds) {
            return String.format(Locale.ROOT, "%s / %s, n = %d, %d pairs in %.0f s: median %.3f (quartiles %.3f-%.3f);"
                            + " pairs where %s was slowest (median %.1f GFLOP/s) %.3f, fastest (%.1f GFLOP/s) %.3f",
                    contender, baseline, n, pairs, seconds, median, lowerQuartile, upperQuartile,
                    baseline, slowQuarterBaseline, slowQuarterRatio, fastQuarterBaseline, fastQuarterRatio);
        }

        String json(Side contender, Side baseline) {
            return String.format(Locale.ROOT, "{\"contender\": \"%s\", \"baseline\": \"%s\", \"n\": %d, \"pairs\": %d, \"median\": %.4f,"
                            + " \"q1\": %.4f, \"q3\": %.4f, \"slowQuarter\": %.4f, \"fastQuarter\": %.4f}",
                    contender, baseline, n, pairs, median, lowerQuartile, upperQuartile, slowQuarterRatio, fastQuarterRatio);
        }
    }

    private GemmPairs() {}

    /** Alternates the two sides on square products of each size for {@code seconds} each, after a warm-up. */
    public static List<Summary> measure(Side contender, Side baseline, int[] sizes, double seconds) {
        for (Side side : List.of(contender, baseline)) {
            if (side.impl() == GemmTable.Impl.openblas && !Cblas.isAvailable()) {
                throw new IllegalStateException("OpenBLAS is not available (" + Cblas.library().problem() + "); pair java:1 with java:2 instead");
            }
            if (side.threads() > Parallel.THREADS) {
                throw new IllegalArgumentException(side + " asks for more threads than Panamax's pool has (" + Parallel.THREADS + ")");
            }
        }
        List<Summary> summaries = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {  // shared: the Java GEMM runs on pool threads
            for (int n : sizes) {
                long elems = (long) n * n;
                MemorySegment a = GemmTable.random(arena, elems, 1), b = GemmTable.random(arena, elems, 2), c = arena.allocate(elems * 4, 64);
                Runnable contenderRun = product(contender, n, a, b, c), baselineRun = product(baseline, n, a, b, c);
                long warmEnd = System.nanoTime() + (long) (Math.max(1.5, seconds / 10) * 1e9);
                do {
                    contenderRun.run();
                    baselineRun.run();
                } while (System.nanoTime() < warmEnd);
                List<double[]> pairs = new ArrayList<>();
                long end = System.nanoTime() + (long) (seconds * 1e9);
                for (boolean contenderFirst = true; System.nanoTime() < end || pairs.size() < 4; contenderFirst = !contenderFirst) {
                    double x, y;
                    if (contenderFirst) {
                        x = gflops(n, contenderRun);
                        y = gflops(n, baselineRun);
                    } else {
                        y = gflops(n, baselineRun);
                        x = gflops(n, contenderRun);
                    }
                    pairs.add(new double[] {x, y});
                }
                summaries.add(Summary.of(n, pairs.stream().mapToDouble(p -> p[0]).toArray(), pairs.stream().mapToDouble(p -> p[1]).toArray()));
            }
        }
        return summaries;
    }

    public static void print(List<Summary> summaries, Side contender, Side baseline, double seconds, boolean json, PrintStream out) {
        if (!json) out.println(GemmTable.header().replace("median of timed runs", "products alternating pair by pair"));
        for (Summary s : summaries) out.println(json ? s.json(contender, baseline) : s.describe(contender, baseline, seconds));
    }

    private static Runnable product(Side side, int n, MemorySegment a, MemorySegment b, MemorySegment c) {
        if (side.impl() == GemmTable.Impl.java) {
            return () -> Gemm.sgemm(side.threads(), false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        }
        return () -> {
            // Set per call: the other side may be OpenBLAS on another thread count.
            Cblas.openblas_set_num_threads(side.threads());
            Cblas.cblas_sgemm(Cblas.CblasRowMajor, Cblas.CblasNoTrans, Cblas.CblasNoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n);
        };
    }

    private static double gflops(int n, Runnable op) {
        long t0 = System.nanoTime();
        op.run();
        return 2.0 * n * n * n / (System.nanoTime() - t0);
    }

    private static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return quantile(sorted, 0.5);
    }

    /** Linear interpolation between closest ranks, as numpy's default. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
