package dev.panamax.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one pool kernels split work on, sized to the cores ({@code -Dpanamax.threads=N} overrides). Work below
 * a grain size runs on the calling thread.
 *
 * <p>Built for many short parallel regions (a training step has dozens of sub-millisecond ones): the caller
 * takes a share of the work itself, and the workers spin for a while ({@code -Dpanamax.spinMicros}, default
 * 200) after each region before parking. Waking a parked thread costs tens of microseconds on a busy VM; a
 * fork-join pool, whose caller waits while workers are woken one by one, measured no faster on two threads
 * than on one for the MNIST training step. One region runs at a time; a second caller meanwhile, or a kernel
 * called from inside a region, runs serially.
 */
public final class Parallel {
    /** Number of threads kernels use. */
    public static final int THREADS = threads();

    /**
     * Elements of memory-bound work below which a kernel stays on the calling thread: waking a parked worker
     * costs tens of microseconds on a busy VM, about what streaming this many floats takes
     * ({@code -Dpanamax.minElementsPerTask} overrides it for tuning runs).
     */
    public static final long MIN_ELEMENTS_PER_TASK = Long.getLong("panamax.minElementsPerTask", 1 << 15);

    private static final long SPIN_NANOS = Long.getLong("panamax.spinMicros", 200) * 1000;

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(long from, long to);
    }

    /** One parallel region: parts are claimed by whoever comes first, the caller included. */
    private static final class Job {
        final Range body;
        final long n;
        final int parts;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger pending;
        volatile Throwable failure;

        Job(Range body, long n, int parts) {
            this.body = body;
            this.n = n;
            this.parts = parts;
            this.pending = new AtomicInteger(parts);
        }

        void work() {
            int p;
            while ((p = next.getAndIncrement()) < parts) {
                try {
                    body.run(n * p / parts, n * (p + 1) / parts);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }

    private static final class Worker extends Thread {
        volatile boolean parked;

        Worker(int i) {
            super("panamax-kernel-" + i);
            setDaemon(true);
        }

        @Override
        public void run() {
            Job last = null;
            while (true) {
                Job j = current;
                if (j != null && j != last) {
                    last = j;
                    j.work();
                    continue;
                }
                long start = System.nanoTime();
                while (current == last && System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                if (current == last) {
                    parked = true;
                    if (current == last) LockSupport.park(this);
                    parked = false;
                }
            }
        }
    }

    private static volatile Job current;
    private static final ReentrantLock REGION = new ReentrantLock();
    private static final Worker[] WORKERS = startWorkers();

    private Parallel() {}

    private static int threads() {
        String p = Settings.get("panamax.threads", "PANAMAX_THREADS");
        int cores = Runtime.getRuntime().availableProcessors();
        if (p == null) return cores;
        try {
            int n = Integer.parseInt(p);
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            // Not thrown: a failed static initialiser would break every kernel for the life of the JVM.
            System.getLogger(Parallel.class.getName()).log(System.Logger.Level.WARNING, "panamax.threads must be a positive "
                    + "integer, got '" + p + "'; using " + cores + " (the available cores)");
            return cores;
        }
    }

    private static Worker[] startWorkers() {
        Worker[] w = new Worker[THREADS - 1];
        for (int i = 0; i < w.length; i++) {
            w[i] = new Worker(i + 1);
            w[i].start();
        }
        return w;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #THREADS} contiguous parts of at least
     * {@code grain} items each. Blocks until every part is done; an exception in any part is rethrown.
     */
    public static void forRange(long n, long grain, Range body) {
        int parts = (int) Math.min(THREADS, n / Math.max(1, grain));
        if (parts <= 1 || !tryStartRegion()) {
            if (n > 0) body.run(0, n);
            return;
        }
        run(new Job(body, n, parts));
    }

    /**
     * Runs {@code body} once per chunk {@code [i, i + 1)} of {@code [0, chunks)}, each chunk claimed by
     * whichever thread is free, the caller included. For pieces of work whose speed varies (the other core is
     * busy for a moment, a piece is smaller): with a fixed split into one part per thread the early thread waits
     * for the late one. Blocks until every chunk is done; an exception in any chunk is rethrown.
     */
    public static void forChunks(int chunks, Range body) {
        if (chunks <= 1 || THREADS == 1 || !tryStartRegion()) {
            for (int i = 0; i < chunks; i++) body.run(i, i + 1);
            return;
        }
        run(new Job(body, chunks, chunks));
    }

    private static boolean tryStartRegion() {
        return WORKERS.length > 0 && !(Thread.currentThread() instanceof Worker) && !REGION.isHeldByCurrentThread()
                && REGION.tryLock();
    }

    /** Runs a region whose lock the caller holds, the caller working beside the woken workers. */
    private static void run(Job job) {
        try {
            current = job;
            for (Worker w : WORKERS) if (w.parked) LockSupport.unpark(w);
            job.work();
            long start = System.nanoTime();
            while (job.pending.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else Thread.yield();
            }
        } finally {
            REGION.unlock();
        }
        Throwable t = job.failure;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t != null) throw new RuntimeException(t);
    }
}
