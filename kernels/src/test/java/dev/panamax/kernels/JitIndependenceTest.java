package dev.panamax.kernels;

import dev.panamax.kernels.spec.Erf;
import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.UnaryOp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.kernels.activation.Gelu;
import dev.panamax.kernels.gemm.Gemm;
import dev.panamax.kernels.norm.LayerNorm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernels whose results once depended on the JIT give the same bits interpreted as compiled: a child JVM running
 * with {@code -Xint} (where the Vector API runs its Java fallback for every operation) computes the transcendental
 * elementwise kernels, both GELUs forward and backward, the row softmax, LayerNorm and the one-row dot-product GEMM
 * (whose lane sums {@code reduceLanes(ADD)} ordered differently once compiled), and this JVM computes them after
 * thousands of calls, compiled by C2 (where lanewise {@code EXP}, {@code TANH}, {@code LOG} would be SVML calls).
 */
class JitIndependenceTest {
    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws Exception {
        assumeTrue(Simd.ENABLED, "the vector kernels are what this checks");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-Xint", "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "interpreted probe timed out: " + out);
        assertEquals(0, p.exitValue(), "interpreted probe failed:\n" + out);

        Map<String, Integer> compiled = null;
        for (int i = 0; i < 4000; i++) compiled = Probe.hashes();
        for (Map.Entry<String, Integer> e : compiled.entrySet()) {
            assertTrue(out.contains(e.getKey() + "=" + e.getValue() + "\n"),
                    e.getKey() + ": compiled hash " + e.getValue() + ", interpreted run printed:\n" + out);
        }
    }

    /** Runs in the child JVM. */
    public static final class Probe {
        private static final int N = 1003;  // whole vectors and a tail
        private static final Arena ARENA = Arena.ofAuto();
        private static final MemorySegment X = random(1, -6, 6), POSITIVE = random(2, 1e-3, 50), G = random(3, -1, 1);
        private static final MemorySegment OUT = ARENA.allocate(N * 4L, 64);

        public static void main(String[] args) {
            hashes().forEach((k, v) -> System.out.print(k + "=" + v + "\n"));
        }

        static Map<String, Integer> hashes() {
            Map<String, Integer> h = new LinkedHashMap<>();
            for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SIN, UnaryOp.COS}) {
                Elementwise.unaryF32(op, OUT, 0, X, 0, N);
                h.put(op.name(), hash());
            }
            for (UnaryOp op : new UnaryOp[] {UnaryOp.LOG, UnaryOp.LOG1P, UnaryOp.EXPM1}) {
                Elementwise.unaryF32(op, OUT, 0, POSITIVE, 0, N);
                h.put(op.name(), hash());
            }
            Elementwise.binaryF32(BinaryOp.POW, OUT, 0, POSITIVE, 0, G, 0, N);
            h.put("POW", hash());
            for (boolean tanh : new boolean[] {false, true}) {
                Gelu.forward(4, tanh, OUT, 0, X, 0, N);
                h.put("gelu" + (tanh ? "Tanh" : "Erf"), hash());
                Gelu.backward(4, tanh, OUT, 0, G, 0, X, 0, N);
                h.put("gelu" + (tanh ? "Tanh" : "Erf") + "Backward", hash());
            }
            Fused.softmaxRows(OUT, 0, X, 0, 17, 59);
            h.put("softmaxRows", hash());
            MemorySegment stats = ARENA.allocate(2 * 17 * 4L, 64);
            LayerNorm.forward(4, OUT, 0, stats, 0, stats, 17, X, 0, G, 0, POSITIVE, 0, 17, 59, 1e-5);
            h.put("layerNorm", hash());
            Gemm.sgemm(false, true, 2, 7, 143, 1f, X, 0, 143, G, 0, 143, 0f, OUT, 0, 7);  // rows · Bᵀ: lane dot products
            h.put("dotProducts", hash());
            return h;
        }

        private static int hash() {
            int h = 1;
            for (long i = 0; i < N; i++) h = 31 * h + Float.floatToRawIntBits(OUT.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            return h;
        }

        private static MemorySegment random(long seed, double lo, double hi) {
            SplittableRandom r = new SplittableRandom(seed);
            MemorySegment s = ARENA.allocate(N * 4L, 64);
            for (long i = 0; i < N; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(lo, hi));
            return s;
        }
    }
}
