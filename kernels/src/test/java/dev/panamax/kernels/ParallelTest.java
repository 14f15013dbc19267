package dev.panamax.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The kernel pool: every index exactly once, errors surface, nested and concurrent callers are safe. */
class ParallelTest {
    private static void assertEachIndexOnce(int n, long grain) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Parallel.forRange(n, grain, (from, to) -> {
            for (long i = from; i < to; i++) seen.incrementAndGet((int) i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "index " + i + " of " + n);
    }

    @Test
    void everyIndexRunsExactlyOnceOverManyShortRegions() {
        for (int round = 0; round < 2000; round++) assertEachIndexOnce(1 + round % 97, 1);
        assertEachIndexOnce(100_000, 1000);
        assertEachIndexOnce(0, 1);
    }

    @Test
    void everyChunkRunsExactlyOnceAndItsErrorsReachTheCaller() {
        for (int chunks : new int[] {0, 1, 2, 3, 13, 500}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, chunks));
            Parallel.forChunks(chunks, (from, to) -> {
                assertEquals(from + 1, to);
                seen.incrementAndGet((int) from);
            });
            for (int i = 0; i < chunks; i++) assertEquals(1, seen.get(i), "chunk " + i + " of " + chunks);
        }
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> Parallel.forChunks(9, (from, to) -> {
            if (from == 7) throw boom;
        })));
        assertEachIndexOnce(1000, 1);
    }

    @Test
    void anExceptionInAnyPartReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int round = 0; round < 50; round++) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(1000, 1, (from, to) -> {
                if (to == 1000) throw boom;
            }));
            assertSame(boom, e);
        }
        assertEachIndexOnce(1000, 1);  // the pool still works afterwards
    }

    @Test
    void nestedRegionsAndConcurrentCallersGiveTheRightSums() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            Future<?>[] f = new Future<?>[6];
            for (int t = 0; t < f.length; t++) {
                f[t] = callers.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        AtomicLong sum = new AtomicLong();
                        Parallel.forRange(8, 1, (from, to) -> {
                            for (long i = from; i < to; i++) {
                                long row = i;
                                Parallel.forRange(100, 1, (a, b) -> {
                                    long s = 0;
                                    for (long j = a; j < b; j++) s += row * 100 + j;
                                    sum.addAndGet(s);
                                });
                            }
                        });
                        assertEquals(799L * 800 / 2, sum.get());
                    }
                    return null;
                });
            }
            for (Future<?> x : f) x.get();
        } finally {
            callers.shutdownNow();
        }
    }
}
