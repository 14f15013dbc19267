package dev.panamax.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.Simd;
import dev.panamax.kernels.attention.AttentionKernelTest.Buffers;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The attention kernel allocates nothing once warm. Run in a JVM of its own (kernels' pom), as an application meets
 * it: there the exponential's vectors crossed method calls C2 had not inlined and were boxed (6.5 KB a call).
 */
class AttentionAllocationTest {
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** A warm call below the threading threshold allocates nothing: the scratch is reused, no vector is boxed. */
    @Test
    void warmCallsAllocateNothing() {
        for (double p : new double[] {0, 0.25}) {
            Attention.Dims s = new Attention.Dims(1, 1, 20, 20, 10, 0.3, true, null, p, 3);
            Buffers b = Buffers.of(4, s, 5);
            Attention.Heads q = Buffers.qRows(b.q(), s), k = Buffers.kRows(b.k(), s), v = Buffers.kRows(b.v(), s), o = Buffers.qRows(b.out(), s);
            Attention.Heads g = Buffers.qRows(b.g(), s), dq = Buffers.qRows(b.dq(), s), dk = Buffers.kRows(b.dk(), s), dv = Buffers.kRows(b.dv(), s);
            Runnable call = () -> {
                Attention.forward(4, Simd.ENABLED, o, b.lse(), 0, q, k, v, s);
                Attention.backward(4, Simd.ENABLED, dq, dk, dv, g, q, k, v, o, b.lse(), 0, s);
            };
            long bytes = Long.MAX_VALUE, deadline = System.nanoTime() + 20_000_000_000L;  // C2 may take long on a busy host; a real cliff never goes away
            for (int round = 0; bytes >= 1000 && (round < 20 || System.nanoTime() < deadline); round++) {
                for (int i = 0; i < 2_000; i++) call.run();
                long before = allocated();
                for (int i = 0; i < 1_000; i++) call.run();
                bytes = Math.min(bytes, allocated() - before);
            }
            assertTrue(bytes < 1000, bytes + " bytes per 1000 warm calls with dropout " + p);
        }
    }

}
