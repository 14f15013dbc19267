package dev.panamax.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one pool kernels split work on, sized to the cores ({@code -Dpanamax.threads=N} overrides). Work below
 * a grain size runs on the calling thread: forking costs microseconds, so small tensors never pay it.
 */
public final class Parallel {
    /** Number of threads kernels use. */
    public static final int THREADS = threads();

    /**
     * Elements of memory-bound work below which a kernel stays on the calling thread: waking a parked worker
     * costs tens of microseconds on a busy VM, about what streaming this many floats takes.
     */
    public static final long MIN_ELEMENTS_PER_TASK = 1 << 15;

    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(long from, long to);
    }

    private Parallel() {}

    private static int threads() {
        String p = System.getProperty("panamax.threads", System.getenv("PANAMAX_THREADS"));
        int cores = Runtime.getRuntime().availableProcessors();
        if (p == null || p.isBlank()) return cores;
        try {
            int n = Integer.parseInt(p.trim());
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("panamax.threads must be a positive integer, got '" + p + "'");
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #THREADS} contiguous parts of at least
     * {@code grain} items each. Blocks until every part is done; an exception in any part is rethrown.
     */
    public static void forRange(long n, long grain, Range body) {
        int parts = (int) Math.min(THREADS, n / Math.max(1, grain));
        if (parts <= 1 || POOL == null || inPool()) {
            if (n > 0) body.run(0, n);
            return;
        }
        RecursiveAction[] tasks = new RecursiveAction[parts];
        for (int p = 0; p < parts; p++) {
            long from = n * p / parts, to = n * (p + 1) / parts;
            tasks[p] = new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(from, to);
                }
            };
        }
        POOL.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                invokeAll(tasks);
            }
        });
    }

    private static boolean inPool() {
        return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL;
    }
}
