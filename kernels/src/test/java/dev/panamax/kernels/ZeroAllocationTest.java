package dev.panamax.kernels;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.ReduceOp;
import dev.panamax.kernels.spec.UnaryOp;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.gemm.Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hot kernels must not allocate: when a Vector API method is too big for C2 to inline, every vector is boxed
 * and each call allocates (docs/PLATFORM.md, "Inlining cliff"). After warm-up, a thousand calls of each kernel must
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

    /** How long a kernel may keep allocating while C2 catches up before it counts as boxing. */
    private static final long WARM_UP_NANOS = 20_000_000_000L;

    @Test
    void everyHotKernelAllocatesNothingWhenWarm() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 1027;
            MemorySegment a = arena.allocate(n * 8L, 64), b = arena.allocate(n * 8L, 64), o = arena.allocate(n * 8L, 64);
            MemorySegment c = arena.allocate(n * 8L, 64);
            // Pollute the type profiles first with heap segments, as a mixed workload would: the facades must
            // keep heap segments away from the vector code, or the native calls below start boxing.
            MemorySegment heap = MemorySegment.ofArray(new byte[n * 8]);
            for (int i = 0; i < 20_000; i++) {
                Elementwise.binaryF32(BinaryOp.ADD, heap, 0, heap, 0, heap, 0, n);
                Reduce.reduceF32(ReduceOp.SUM, heap, 0, n);
                Reduce.argF32(true, heap, 0, n);
            }
            Map<String, Runnable> kernels = new LinkedHashMap<>();
            kernels.put("add", () -> Elementwise.binaryF32(BinaryOp.ADD, o, 0, a, 0, b, 0, n));
            kernels.put("mul", () -> Elementwise.binaryF32(BinaryOp.MUL, o, 0, a, 0, b, 0, n));
            kernels.put("relu", () -> Elementwise.unaryF32(UnaryOp.RELU, o, 0, a, 0, n));
            kernels.put("exp", () -> Elementwise.unaryF32(UnaryOp.EXP, o, 0, a, 0, n));
            kernels.put("sigmoid", () -> Elementwise.unaryF32(UnaryOp.SIGMOID, o, 0, a, 0, n));
            kernels.put("sub f64", () -> Elementwise.binaryF64(BinaryOp.SUB, o, 0, a, 0, b, 0, n / 2));
            kernels.put("sum", () -> Reduce.reduceF32(ReduceOp.SUM, a, 0, n));
            kernels.put("max", () -> Reduce.reduceF32(ReduceOp.MAX, a, 0, n));
            kernels.put("argmax", () -> Reduce.argF32(true, a, 0, n));
            kernels.put("sgemm 13x21x17 (packed)", () -> Gemm.sgemm(false, false, 13, 21, 17, 1f, a, 0, 17, b, 0, 21, 0f, o, 0, 21));
            kernels.put("sgemm 1x40x40 (row kernel)", () -> Gemm.sgemm(false, false, 1, 40, 40, 1f, a, 0, 40, b, 0, 40, 0f, o, 0, 40));
            dev.panamax.kernels.spec.Conv2dShape pool = dev.panamax.kernels.spec.Conv2dShape.of(1, 8, 8, 16, 2, 2, 0, 2, 2, 1, 1,
                    dev.panamax.kernels.spec.Conv2dShape.Padding.VALID);
            kernels.put("max pool 8x8x16", () -> dev.panamax.kernels.conv.Pool2d.maxForward(pool, a, 0, o, 0, c, 0));
            kernels.put("softmax rows", () -> Fused.softmaxRows(o, 0, a, 0, 10, 100));
            kernels.put("bias+relu rows", () -> Fused.biasActRows(o, 0, a, 0, b, 0, 10, 100, true));
            kernels.put("bias rows", () -> Fused.biasActRows(o, 0, a, 0, b, 0, 10, 100, false));
            kernels.put("bias act backward", () -> Fused.biasActBackwardRows(o, 0, a, 0, b, 0, c, 0, 10, 100, true));
            kernels.put("adam", () -> OptimizerUpdate.adam(o, a, b, c, 0, n, 1e-3f, 0.9f, 0.999f, 1e-7f, 3, 0f, 0f));
            // Recurrent cells, batch 3 × hidden 33 (a vector tail): disjoint regions of o, c (2,054 floats each).
            kernels.put("lstm cell", () -> dev.panamax.kernels.rnn.LstmCell.forward(4, o, 0, c, 0, c, 400, c, 500, 3, 33));
            kernels.put("lstm cell backward", () -> dev.panamax.kernels.rnn.LstmCell.backward(4, o, 400, c, 600, c, 700, c, 600, o, 0, c, 0,
                    c, 400, 3, 33));
            kernels.put("gru cell", () -> dev.panamax.kernels.rnn.GruCell.forward(4, o, 0, c, 0, a, 0, b, 0, c, 200, 3, 33));
            kernels.put("gru cell backward", () -> dev.panamax.kernels.rnn.GruCell.backward(4, o, 400, o, 800, c, 300, c, 300, o, 0, c, 200,
                    3, 33));
            Runnable nothing = () -> { };
            StringBuilder failures = new StringBuilder();
            for (Map.Entry<String, Runnable> k : kernels.entrySet()) {
                // C2 compiles in the background, so early rounds may still run interpreted or C1 code (which
                // boxes), and on a busy host its queue can take seconds to reach a kernel. A real inlining cliff
                // never goes away; take the best of the rounds run in a few seconds.
                long bytes = Long.MAX_VALUE, deadline = System.nanoTime() + WARM_UP_NANOS;
                for (int round = 0; bytes >= 1000 && (round < 20 || System.nanoTime() < deadline); round++) {
                    for (int i = 0; i < 5_000; i++) k.getValue().run();
                    bytes = Math.min(bytes, allocatedBy(k.getValue()) - allocatedBy(nothing));
                }
                // Boxing even one vector costs 16+ bytes per call; under 1 byte per call is measurement noise.
                if (bytes >= 1000) failures.append(k.getKey()).append(": ").append(bytes).append(" bytes per 1000 calls\n");
            }
            assertTrue(failures.isEmpty(), "kernels that allocate when warm:\n" + failures);
        }
    }
}
