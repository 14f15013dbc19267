package dev.panamax.bench.serve;

import dev.panamax.apps.serve.ModelServer;
import dev.panamax.apps.serve.ServeOptions;
import dev.panamax.nn.Models;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code panamax bench serve}: the MNIST CNN behind {@link ModelServer}, in this JVM, driven by {@link LoadGenerator}
 * at each connection count, with dynamic batching on ({@code --max-batch 32 --max-wait-ms 2}) and off
 * ({@code --max-batch 1}); or, with a URL, any running server.
 */
public final class ServeBench {
    private ServeBench() {}

    /** One image as the JSON body of {@code :predict}: 784 values in [0, 1), four decimals, seeded. */
    static byte[] jsonImage() {
        Random r = new Random(42);
        StringBuilder b = new StringBuilder("{\"instances\": [[");
        for (int i = 0; i < 784; i++) b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", r.nextFloat()));
        return b.append("]]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The same image as a float32 {@code .npy} of shape (1, 28, 28, 1). */
    static byte[] npyImage() {
        Random r = new Random(42);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 28, 28, 1), }";
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + 4 * 784).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 784; i++) b.putFloat(Float.parseFloat(String.format(Locale.ROOT, "%.4f", r.nextFloat())));
        return b.array();
    }

    /** {@code model}, or an untrained tutorial CNN saved in a temporary folder when it is absent (the same work per request). */
    static Path modelOrUntrained(Path model, PrintStream log) throws IOException {
        if (model != null && Files.isDirectory(model)) return model;
        Path dir = Files.createTempDirectory("panamax-serve-bench").resolve("model");
        try (MemoryScope s = MemoryScope.open("save")) {
            ModelIo.save(Models.tutorialCnn(42, 10).build(28, 28, 1), dir);
        }
        log.println("No model at " + model + ": serving an untrained tutorial CNN of the same architecture (same work per request).");
        return dir;
    }

    /** Runs every connection count against {@code url}, printing a row each. */
    public static void drive(URI url, boolean npy, int[] connections, double warmup, double seconds, String mode, boolean json, PrintStream out)
            throws InterruptedException {
        byte[] body = npy ? npyImage() : jsonImage();
        for (int c : connections) {
            LoadGenerator.Result r = LoadGenerator.run(url, npy ? "application/x-npy" : "application/json", body, c, warmup, seconds);
            if (json) {
                out.printf(Locale.ROOT, "{\"mode\": \"%s\", \"connections\": %d, \"requests_per_second\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"requests\": %d, \"errors\": %d}%n",
                        mode, c, r.throughput(), r.p50Millis(), r.p99Millis(), r.requests(), r.errors());
            } else {
                out.printf(Locale.ROOT, "%-12s %11d %14.0f %9.3f %9.3f %9d %7d%n", mode, c, r.throughput(), r.p50Millis(), r.p99Millis(), r.requests(), r.errors());
            }
            out.flush();
        }
    }

    /** The whole table: batching on and off, in-process server, each connection count. */
    public static void run(Path model, boolean npy, int[] connections, double warmup, double seconds, boolean json, PrintStream out)
            throws IOException, InterruptedException {
        Path dir = modelOrUntrained(model, System.err);
        if (!json) {
            out.printf("POST :predict, one 28x28 image as %s (%d bytes); %.0f s warm-up, %.0f s measured per row%n", npy ? ".npy" : "JSON",
                    (npy ? npyImage() : jsonImage()).length, warmup, seconds);
            out.printf("%-12s %11s %14s %9s %9s %9s %7s%n", "batching", "connections", "requests/s", "p50 ms", "p99 ms", "requests", "errors");
        }
        for (boolean batching : new boolean[] {true, false}) {
            ServeOptions o = new ServeOptions("127.0.0.1", 0, batching ? 32 : 1, batching ? 2 : 0, 4096, 1 << 20, 5, 16);
            try (ModelServer s = ModelServer.start(Map.of("mnist", dir.toString()), o)) {
                drive(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/mnist:predict"), npy, connections, warmup, seconds,
                        batching ? "on (32, 2ms)" : "off", json, out);
            }
        }
    }
}
