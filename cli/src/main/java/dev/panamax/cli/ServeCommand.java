package dev.panamax.cli;

import dev.panamax.apps.serve.ModelServer;
import dev.panamax.apps.serve.ServeOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code panamax serve MODEL...}: parses the options and runs {@link ModelServer} until SIGTERM or Ctrl-C, whose
 * shutdown hook lets requests in flight finish before the process ends.
 */
@Command(name = "serve", description = {"Serve saved models over HTTP with dynamic batching (see README, \"Serving\").",
        "POST /v1/models/NAME:predict|:embed|:generate|:reload, GET /v1/models, /health, /metrics."})
final class ServeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "MODEL", description = {"A model folder (panamax train mnist's DIR/model, or train gpt's), all-minilm-l6-v2,",
            "or PATH.onnx; NAME=MODEL names it in the URL (default: the folder's name, its parent's for .../model)."})
    List<String> models;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", converter = Ranges.Port.class, defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--threads", converter = Ranges.Positive.class, description = "Kernel threads (default: all cores).")
    Integer threads;

    @Option(names = "--max-batch", converter = Ranges.Positive.class, defaultValue = "32", description = "Most rows per model run; 1 turns batching off (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-wait-ms", defaultValue = "2", description = "How long a batch's first request waits for others (default: ${DEFAULT-VALUE}).")
    double maxWaitMs;

    @Option(names = "--queue", converter = Ranges.Positive.class, defaultValue = "1024", description = "Requests waiting per model before 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body", defaultValue = "16777216", description = "Largest request body in bytes, else 413 (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--drain-seconds", converter = Ranges.NonNegative.class, defaultValue = "30", description = "On SIGTERM, how long requests in flight get to finish (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--max-tokens", converter = Ranges.Positive.class, defaultValue = "1024", description = "Most tokens one :generate may ask for (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        if (threads != null) System.setProperty("panamax.threads", Integer.toString(threads));
        ServeOptions options = new ServeOptions(host, port, maxBatch, maxWaitMs, queue, maxBody, drainSeconds, maxTokens);
        Map<String, String> sources = new LinkedHashMap<>();
        for (String m : models) {
            int eq = m.indexOf('=');
            String name = eq > 0 ? m.substring(0, eq) : ModelServer.defaultName(m);
            String source = eq > 0 ? m.substring(eq + 1) : m;
            if (!name.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("model name '" + name + "': use letters, digits, '.', '_' or '-'");
            if (sources.put(name, source) != null) throw new IllegalArgumentException("two models are named '" + name + "'; name them with NAME=MODEL");
        }
        long t0 = System.nanoTime();
        ModelServer server = ModelServer.start(sources, options);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "serve-shutdown"));
        System.err.printf("Serving %s on http://%s:%d (loaded and warmed up in %.1f s; batches of up to %d, %.1f ms wait)%n", sources.keySet(), host,
                server.port(), (System.nanoTime() - t0) / 1e9, maxBatch, maxWaitMs);
        server.awaitClosed();
        System.err.println("Stopped.");
        return 0;
    }
}
