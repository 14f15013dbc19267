package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.Parallel;
import dev.panamax.tensors.memory.MemoryScope;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Start-up settings, each in a fresh JVM (they are read once per JVM): bad values and missing libraries give a
 * one-line error or a logged fallback, never a class that fails to load; settings from code win over none and fail
 * loudly when they come too late.
 */
class ConfigurationTest {
    @Test
    void aBadOpenBlasPathIsAWarningAndMatrixProductsStillRun() throws Exception {
        String out = child(List.of("-Dpanamax.openblas=/bad/path/libopenblas.so", "-Dpanamax.gemm=auto"), "matmul", "matmul");
        assertTrue(out.contains("WARNING") && out.contains("cannot load /bad/path/libopenblas.so (given by -Dpanamax.openblas"), out);
        assertEquals(2, count(out, "matmul = 210.0"), out);
    }

    @Test
    void cudaWithoutCudaFailsEveryOpWithOneLine() throws Exception {
        String out = child(List.of("-Dpanamax.backend=cuda"), "matmul", "matmul");
        assertEquals(2, count(out, "failed: IllegalStateException: panamax.backend=cuda was requested, but "), out);
        assertTrue(out.contains("unset panamax.backend (or PANAMAX_BACKEND) to run on the CPU"), out);
    }

    @Test
    void aBadThreadCountIsAWarningNotABrokenPool() throws Exception {
        String out = child(List.of("-Dpanamax.threads=many"), "threads", "matmul");
        assertTrue(out.contains("panamax.threads must be a positive integer, got 'many'; using"), out);
        assertTrue(out.contains("threads " + Runtime.getRuntime().availableProcessors()) && out.contains("matmul = 210.0"), out);
    }

    @Test
    void settingsFromCodeApplyBeforeFirstUseAndFailLoudlyAfter() throws Exception {
        String out = child(List.of(), "configure3", "threads", "configure2", "configure3");
        assertTrue(out.contains("configure3 applied\nthreads 3\n"), out);
        assertTrue(out.contains("configure2 failed: IllegalStateException: panamax.threads was already read as '3' and is fixed for this JVM"), out);
        assertTrue(out.endsWith("configure3 applied\n"), out); // the same value again is no change
    }

    @Test
    void badValuesFromCodeAreRejectedAtOnce() {
        var e = assertThrows(IllegalArgumentException.class, () -> Panamax.configure().threads(0));
        assertEquals("threads must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Panamax.configure().backend("tpu"));
        assertEquals("backend must be cpu or cuda, got 'tpu'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Panamax.configure().openblas(Path.of("/no/such/libopenblas.so")));
        assertTrue(e.getMessage().startsWith("openblas: no such file /no/such/libopenblas.so"), e.getMessage());
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) n++;
        return n;
    }

    /** Runs {@link Probe} with the given JVM options (plus this JVM's own) and steps; stdout and stderr together. */
    private static String child(List<String> options, String... steps) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Dpanamax.") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        cmd.addAll(Arrays.asList(steps));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PANAMAX_"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child timed out: " + out);
        assertEquals(0, p.exitValue(), "child failed:\n" + out);
        return out;
    }

    /** The child JVM: runs each step, printing its result or its failure's class and message. */
    public static final class Probe {
        public static void main(String[] args) {
            for (String step : args) {
                try {
                    switch (step) {
                        case "matmul" -> {
                            try (MemoryScope s = MemoryScope.open("probe")) {
                                // (1, 64)·(64, 1), zero past the fourth element: 1·5 + 2·13 + 3·21 + 4·29 = 210.
                                float[] a = new float[64], b = new float[64];
                                for (int i = 0; i < 4; i++) { a[i] = i + 1; b[i] = 5 + 8 * i; }
                                System.out.println("matmul = " + Tensor.of(a, 1, 64).matmul(Tensor.of(b, 64, 1)).item());
                            }
                        }
                        case "threads" -> System.out.println("threads " + Parallel.THREADS);
                        case "configure3" -> { Panamax.configure().threads(3).apply(); System.out.println("configure3 applied"); }
                        case "configure2" -> { Panamax.configure().threads(2).apply(); System.out.println("configure2 applied"); }
                        default -> throw new IllegalArgumentException(step);
                    }
                } catch (RuntimeException e) {
                    System.out.println(step + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                System.out.flush();
            }
        }
    }
}
