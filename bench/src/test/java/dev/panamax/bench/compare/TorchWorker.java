package dev.panamax.bench.compare;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code bench/python/worker.py} run as the harness runs it, for tests that check a row's two sides agree. */
final class TorchWorker {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path WORKER = Path.of("python/worker.py");  // the bench module's folder is the tests' working directory

    private TorchWorker() {}

    /** Whether {@link #PYTHON} imports PyTorch and NumPy (Debian's python3-torch). */
    static boolean available() throws Exception {
        if (!Files.isExecutable(PYTHON) || !Files.exists(WORKER)) return false;
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    /** The worker's result line for {@code workload} on one thread. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> run(Path inputs, String workload, int warmup, int steps) throws Exception {
        Process p = new ProcessBuilder(PYTHON.toString(), WORKER.toString(), workload, "--inputs", inputs.toString(), "--threads", "1",
                "--warmup", Integer.toString(warmup), "--steps", Integer.toString(steps)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0, "worker.py " + workload + " failed: " + out);
        return new ObjectMapper().readValue(out.lines().reduce((a, b) -> b).orElseThrow(), Map.class);
    }
}
