package dev.panamax.kernels;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.ReduceOp;
import dev.panamax.kernels.spec.UnaryOp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.gemm.Gemm;
import dev.panamax.kernels.gemm.GemmReference;
import dev.panamax.kernels.gemm.PackedB;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An application that forgets {@code --add-modules=jdk.incubator.vector} gets the scalar kernels, not a
 * {@code NoClassDefFoundError}: a JVM started without the module runs every kind of matrix product (the one-row
 * kernel, the packed GEMM, prepacked weights) and elementwise and reduction kernels, and they agree with the reference.
 */
class WithoutVectorModuleTest {
    @Test
    void kernelsRunOnTheScalarPathWhenTheModuleIsMissing() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "probe timed out: " + out);
        assertEquals(0, p.exitValue(), "probe failed:\n" + out);
        assertTrue(out.contains("vector module: false") && out.contains("all kernels agree"), out);
        // One WARNING through System.Logger, naming the flag to add, however many kernels ran.
        assertEquals(1, out.split("add --add-modules=jdk.incubator.vector to the java command", -1).length - 1, out);
        assertTrue(out.contains("WARNING: Panamax: module jdk.incubator.vector is not loaded"), out);
    }

    /** Runs in the child JVM. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("vector module: " + Simd.MODULE_PRESENT);
            System.out.println("vector module again: " + Simd.ENABLED + ", lanes " + Simd.floatLanes());
            SplittableRandom r = new SplittableRandom(3);
            Arena arena = Arena.ofAuto();
            for (int[] s : new int[][] {{1, 64, 40}, {2, 96, 17}, {13, 21, 17}, {16, 70, 130}}) {
                int m = s[0], n = s[1], k = s[2];
                MemorySegment a = random(arena, r, m * k), b = random(arena, r, k * n);
                MemorySegment want = arena.allocate(m * n * 4L), got = arena.allocate(m * n * 4L), packed = arena.allocate(m * n * 4L);
                GemmReference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, want, 0, n);
                Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, got, 0, n);
                Gemm.sgemmPacked(false, m, 1f, a, 0, k, PackedB.pack(false, k, n, b, 0, n), 0f, packed, 0, n);
                for (long i = 0; i < (long) m * n; i++) {
                    float w = want.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                    if (Math.abs(w - got.getAtIndex(ValueLayout.JAVA_FLOAT, i)) > 1e-4 || Math.abs(w - packed.getAtIndex(ValueLayout.JAVA_FLOAT, i)) > 1e-4) {
                        throw new AssertionError("sgemm " + m + "x" + n + "x" + k + " differs at " + i);
                    }
                }
            }
            MemorySegment x = random(arena, r, 1000), y = arena.allocate(4000);
            Elementwise.binaryF32(BinaryOp.ADD, y, 0, x, 0, x, 0, 1000);
            Elementwise.unaryF32(UnaryOp.EXP, y, 0, x, 0, 1000);
            double sum = Reduce.reduceF32(ReduceOp.SUM, x, 0, 1000), expect = 0;
            for (long i = 0; i < 1000; i++) expect += x.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (Math.abs(sum - expect) > 1e-3) throw new AssertionError("sum " + sum + " vs " + expect);
            System.out.println("all kernels agree");
        }

        private static MemorySegment random(Arena arena, SplittableRandom r, long n) {
            MemorySegment s = arena.allocate(n * 4, 64);
            for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
            return s;
        }
    }
}
