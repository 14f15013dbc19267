package dev.panamax.apps.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * Dynamic batching for one model: requests wait in a bounded queue; one worker thread takes the first, gathers
 * more until the batch holds {@code maxBatch} rows or {@code maxWait} has passed since the first arrived, runs the
 * model once on all of them and completes each request with its share. It waits only for requests known to be on
 * their way ({@link #arrive}: being read or parsed): a lone client is served at once instead of paying
 * {@code maxWait} on every request, and under load the requests that queue while a batch runs form the next one. A full queue refuses at once (503), so a
 * flood costs memory for at most {@code capacity} requests.
 *
 * <p>The worker thread alone touches the model ({@link Runner}), so the runner needs no locking and may keep
 * per-thread state (its reused batch tensor). {@link #swap} replaces the runner between two batches: every batch
 * runs wholly on the old model or wholly on the new one.
 *
 * @param <I> a request's input
 * @param <O> a request's output
 */
final class Batcher<I, O> implements AutoCloseable {
    /** Runs one batch; returns one output per input, in order. Called on the worker thread only. */
    interface Runner<I, O> extends AutoCloseable {
        List<O> run(List<I> inputs);

        @Override
        void close();
    }

    /** What the batcher reports per batch: its rows and how long its requests waited. */
    interface Observer {
        void batch(int rows, long[] queuedNanos);
    }

    /** A request on its way to {@link #submit}; closing it (after submitting, or on failure) says it has arrived. */
    interface Arrival extends AutoCloseable {
        @Override
        void close();
    }

    private record Job<I, O>(I input, int rows, long queuedAt, CompletableFuture<O> result) {}

    private record Swap<I, O>(Runner<I, O> runner, CompletableFuture<Void> done) {}

    private final String name;
    private final BlockingQueue<Job<I, O>> queue;
    private final ToIntFunction<I> rowsOf;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final Observer observer;
    private final Thread worker;
    private volatile Swap<I, O> pendingSwap;
    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicInteger arriving = new java.util.concurrent.atomic.AtomicInteger();
    private Runner<I, O> runner;
    private Job<I, O> carried;  // taken from the queue but did not fit the last batch

    Batcher(String name, Runner<I, O> runner, ToIntFunction<I> rowsOf, int maxBatch, long maxWaitMicros, int capacity, Observer observer) {
        this.name = name;
        this.runner = runner;
        this.rowsOf = rowsOf;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitMicros * 1000;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.observer = observer;
        // A platform thread: it runs kernels (and their spinning pool) for long stretches; nothing to gain from a virtual one.
        this.worker = Thread.ofPlatform().name("serve-" + name).daemon().start(this::loop);
    }

    /** Queues {@code input}; the future completes with its output, or with the model's exception. */
    CompletableFuture<O> submit(I input) {
        if (stopping) throw new ApiError(503, "the server is shutting down");
        Job<I, O> job = new Job<>(input, rowsOf.applyAsInt(input), System.nanoTime(), new CompletableFuture<>());
        if (!queue.offer(job)) throw new ApiError(503, "model '" + name + "' has " + queue.size() + " requests waiting; retry later");
        return job.result;
    }

    /** Marks a request as on its way (its body being read): a batch being gathered waits for it, up to {@code maxWait}. */
    Arrival arrive() {
        arriving.incrementAndGet();
        return arriving::decrementAndGet;
    }

    /** Requests waiting now. */
    int queued() {
        return queue.size();
    }

    /** Replaces the model between two batches; the old runner is closed on the worker thread. Returns when done. */
    CompletableFuture<Void> swap(Runner<I, O> next) {
        Swap<I, O> s = new Swap<>(next, new CompletableFuture<>());
        synchronized (this) {
            if (pendingSwap != null) throw new ApiError(409, "a reload of '" + name + "' is already in progress");
            pendingSwap = s;
        }
        worker.interrupt();  // wake it if it waits for work; a running batch is not interrupted (see loop)
        return s.done;
    }

    private void loop() {
        List<Job<I, O>> batch = new ArrayList<>();
        List<I> inputs = new ArrayList<>();
        while (true) {
            applySwap();
            batch.clear();
            inputs.clear();
            try {
                if (!gather(batch)) break;
            } catch (InterruptedException e) {
                continue;  // a swap woke the idle worker: apply it at the top of the loop
            }
            Thread.interrupted();  // an interrupt that came during the gather must not reach the kernels
            int rows = 0;
            long now = System.nanoTime();
            long[] waited = new long[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                inputs.add(batch.get(i).input);
                rows += batch.get(i).rows;
                waited[i] = now - batch.get(i).queuedAt;
            }
            observer.batch(rows, waited);
            try {
                List<O> out = runner.run(inputs);
                for (int i = 0; i < batch.size(); i++) batch.get(i).result.complete(out.get(i));
            } catch (Throwable t) {
                for (Job<I, O> j : batch) j.result.completeExceptionally(t);
            }
        }
        applySwap();
        runner.close();
        // A request that slipped in while stopping: answer it rather than leave it waiting for ever.
        for (Job<I, O> j; (j = queue.poll()) != null; ) j.result.completeExceptionally(new ApiError(503, "the server is shutting down"));
    }

    /**
     * Fills {@code batch}: blocks for the first job, then takes more until {@code maxBatch} rows or the deadline.
     * Returns false when the batcher is closed and the queue is drained. Interrupted while waiting for the first
     * job, it throws with {@code batch} empty; later, it stops gathering and returns what it has.
     */
    private boolean gather(List<Job<I, O>> batch) throws InterruptedException {
        Job<I, O> first = carried;
        carried = null;
        while (first == null) {
            if (stopping && queue.isEmpty()) return false;
            first = queue.poll(50, TimeUnit.MILLISECONDS);
        }
        batch.add(first);
        int rows = first.rows;
        long deadline = first.queuedAt + maxWaitNanos;
        while (rows < maxBatch) {
            Job<I, O> next = queue.poll();
            if (next == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || arriving.get() == 0) break;  // out of time, or nobody on the way: run now
                try {
                    next = queue.poll(Math.min(left, 50_000), TimeUnit.NANOSECONDS);  // short naps: re-check who is on the way
                } catch (InterruptedException e) {
                    break;  // a swap is waiting: run what we have, then swap
                }
                if (next == null) continue;
            }
            if (rows + next.rows > maxBatch) {
                carried = next;  // the next batch starts with it
                break;
            }
            batch.add(next);
            rows += next.rows;
        }
        return true;
    }

    private void applySwap() {
        Swap<I, O> s;
        synchronized (this) {
            s = pendingSwap;
            pendingSwap = null;
        }
        if (s == null) return;
        Runner<I, O> old = runner;
        runner = s.runner;
        try {
            old.close();
        } finally {
            s.done.complete(null);
        }
    }

    /** Lets the queued requests finish, then stops the worker and closes the model; waits at most {@code timeoutMillis}. */
    @Override
    public void close() {
        close(30_000);
    }

    void close(long timeoutMillis) {
        stopping = true;
        try {
            worker.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An observer that records nothing. */
    static final Observer IGNORE = (rows, waited) -> { };

    /** A runner from a function and what closing it does. */
    static <I, O> Runner<I, O> of(java.util.function.Function<List<I>, List<O>> f, Runnable onClose) {
        return new Runner<>() {
            @Override
            public List<O> run(List<I> inputs) {
                return f.apply(inputs);
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }
}
