package dev.panamax.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Hot kernels must not allocate: when a Vector API method is too big for C2 to inline, every vector is boxed
 * and each call allocates megabytes (FACTS.md, "inlining cliff"). After warm-up, a thousand calls must
 * allocate nothing on the calling thread.
 */
class ZeroAllocationTest {
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static long allocatedBy(Runnable r) {
        long before = allocated();
        for (int i = 0; i < 1000; i++) r.run();
        return allocated() - before;
    }

    @Test
    void elementwiseAndReduceKernelsAllocateNothingWhenWarm() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 1027;
            MemorySegment a = arena.allocate(n * 8L, 64), b = arena.allocate(n * 8L, 64), o = arena.allocate(n * 8L, 64);
            Runnable work = () -> {
                Elementwise.binaryF32(BinaryOp.ADD, o, 0, a, 0, b, 0, n);
                Elementwise.binaryF32(BinaryOp.MUL, o, 0, a, 0, b, 0, n);
                Elementwise.binaryF32(BinaryOp.MAX, o, 0, a, 0, b, 0, n);
                Elementwise.unaryF32(UnaryOp.RELU, o, 0, a, 0, n);
                Elementwise.unaryF32(UnaryOp.EXP, o, 0, a, 0, n);
                Elementwise.unaryF32(UnaryOp.SIGMOID, o, 0, a, 0, n);
                Elementwise.binaryF64(BinaryOp.SUB, o, 0, a, 0, b, 0, n / 2);
                Reduce.reduceF32(ReduceOp.SUM, a, 0, n);
                Reduce.reduceF32(ReduceOp.MAX, a, 0, n);
                Reduce.argF32(true, a, 0, n);
            };
            // Pollute the type profiles first with heap segments, as a mixed workload would: the facades must
            // keep heap segments away from the vector code, or the native calls below start boxing.
            MemorySegment heap = MemorySegment.ofArray(new byte[n * 8]);
            for (int i = 0; i < 20_000; i++) {
                Elementwise.binaryF32(BinaryOp.ADD, heap, 0, heap, 0, heap, 0, n);
                Reduce.reduceF32(ReduceOp.SUM, heap, 0, n);
                Reduce.argF32(true, heap, 0, n);
            }
            Runnable nothing = () -> { };
            // C2 compiles in the background, so early rounds may still run interpreted or C1 code (which boxes).
            // A real inlining cliff never goes away; take the best of several rounds.
            long bytes = Long.MAX_VALUE;
            for (int round = 0; round < 20 && bytes >= 1000; round++) {
                for (int i = 0; i < 5_000; i++) work.run();
                long baseline = allocatedBy(nothing);  // what measuring itself costs
                bytes = Math.min(bytes, allocatedBy(work) - baseline);
            }
            // Boxing even one vector costs 16+ bytes per call; under 1 byte per call is measurement noise.
            assertTrue(bytes < 1000, "bytes allocated by 1000 warm kernel calls: " + bytes);
        }
    }
}
