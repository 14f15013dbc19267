package dev.panamax.apps.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The batcher alone, with a runner that doubles numbers: gathering, the bounded queue, swapping between batches. */
class BatcherTest {
    @Test
    void waitingRequestsRunAsOneBatchUpToMaxRows() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        Batcher.Runner<Integer, Integer> r = Batcher.of(in -> {
            await(hold);
            sizes.add(in.size());
            return in.stream().map(x -> 2 * x).toList();
        }, () -> { });
        try (Batcher<Integer, Integer> b = new Batcher<>("t", r, x -> 1, 4, 0, 100, Batcher.IGNORE)) {
            CompletableFuture<Integer> first = b.submit(0);  // no wait: it runs alone and is held in the runner
            while (b.queued() > 0) Thread.onSpinWait();
            Thread.sleep(20);
            List<CompletableFuture<Integer>> rest = new ArrayList<>();
            for (int i = 1; i <= 9; i++) rest.add(b.submit(i));
            hold.countDown();
            assertEquals(0, first.get(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 9; i++) assertEquals(2 * i, rest.get(i - 1).get(5, TimeUnit.SECONDS));
            assertTrue(sizes.stream().allMatch(s -> s <= 4), sizes.toString());
            assertEquals(10, sizes.stream().mapToInt(Integer::intValue).sum());
            assertTrue(sizes.size() <= 4, "10 requests in batches of up to 4: " + sizes);
        }
    }

    @Test
    void aLoneRequestRunsAtOnceButABatchWaitsForOneOnItsWay() throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        Batcher.Runner<Integer, Integer> r = Batcher.of(in -> {
            sizes.add(in.size());
            return in;
        }, () -> { });
        try (Batcher<Integer, Integer> b = new Batcher<>("t", r, x -> 1, 8, 2_000_000, 10, Batcher.IGNORE)) {
            long t0 = System.nanoTime();
            assertEquals(1, b.submit(1).get(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "a lone request waited for the 2 s batch window");
            CompletableFuture<Integer> first, second;
            try (Batcher.Arrival on = b.arrive()) {
                first = b.submit(2);
                Thread.sleep(100);
                second = b.submit(3);
            }
            assertEquals(2, first.get(5, TimeUnit.SECONDS));
            assertEquals(3, second.get(5, TimeUnit.SECONDS));
            assertEquals(List.of(1, 2), sizes, "the second request, on its way, joined the first one's batch");
        }
    }

    @Test
    void aFullQueueRefusesWith503() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        Batcher.Runner<Integer, Integer> r = Batcher.of(in -> {
            await(hold);
            return in;
        }, () -> { });
        try (Batcher<Integer, Integer> b = new Batcher<>("t", r, x -> 1, 1, 0, 2, Batcher.IGNORE)) {
            CompletableFuture<Integer> running = b.submit(1);
            while (b.queued() > 0) Thread.onSpinWait();  // the worker holds it
            b.submit(2);
            b.submit(3);
            ApiError e = assertThrows(ApiError.class, () -> b.submit(4));
            assertEquals(503, e.status());
            hold.countDown();
            assertEquals(1, running.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aSwapHappensBetweenBatchesAndClosesTheOldRunner() throws Exception {
        AtomicBoolean oldClosed = new AtomicBoolean();
        Batcher.Runner<Integer, Integer> old = Batcher.of(in -> in, () -> oldClosed.set(true));
        Batcher.Runner<Integer, Integer> next = Batcher.of(in -> in.stream().map(x -> -x).toList(), () -> { });
        try (Batcher<Integer, Integer> b = new Batcher<>("t", old, x -> 1, 8, 100, 10, Batcher.IGNORE)) {
            assertEquals(5, b.submit(5).get(5, TimeUnit.SECONDS));
            b.swap(next).get(5, TimeUnit.SECONDS);
            assertTrue(oldClosed.get());
            assertEquals(-5, b.submit(5).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRunnerFailureFailsOnlyItsBatch() throws Exception {
        Batcher.Runner<Integer, Integer> r = Batcher.of(in -> {
            if (in.contains(13)) throw new IllegalArgumentException("unlucky");
            return in;
        }, () -> { });
        try (Batcher<Integer, Integer> b = new Batcher<>("t", r, x -> 1, 1, 0, 10, Batcher.IGNORE)) {
            CompletableFuture<Integer> bad = b.submit(13);
            assertThrows(Exception.class, () -> bad.get(5, TimeUnit.SECONDS));
            assertEquals(7, b.submit(7).get(5, TimeUnit.SECONDS));
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
