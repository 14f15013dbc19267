package dev.panamax.apps.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.ToDoubleFunction;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format: requests and errors by model, endpoint and status,
 * batch sizes, time in the queue, request latency, queue depth, requests in flight. A registry of its own, so two servers in one JVM
 * (the tests) do not share counts.
 */
final class ServerMetrics {
    /** Latency buckets from 100 µs to 10 s: a batch-1 CNN answers in a fraction of a millisecond, a long generation in seconds. */
    private static final double[] SECONDS = {1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("panamax_requests_total")
            .help("HTTP requests answered, by model, endpoint and status").labelNames("model", "endpoint", "status").register(registry);
    private final Counter errors = Counter.builder().name("panamax_errors_total")
            .help("Requests answered with a status of 400 or more, by status").labelNames("status").register(registry);
    private final Histogram latency = Histogram.builder().name("panamax_request_duration_seconds")
            .help("Time from the request's arrival to the end of its response").labelNames("model", "endpoint")
            .classicOnly().classicUpperBounds(SECONDS).register(registry);
    private final Histogram batchSize = Histogram.builder().name("panamax_batch_size")
            .help("Rows per model run (the dynamic batch)").labelNames("model")
            .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
    private final Histogram queueTime = Histogram.builder().name("panamax_queue_seconds")
            .help("Time a request waited in its model's queue before its batch ran").labelNames("model")
            .classicOnly().classicUpperBounds(SECONDS).register(registry);
    private final Gauge inFlight = Gauge.builder().name("panamax_requests_in_flight")
            .help("Requests being handled now: read, parsed, queued, run or answered").register(registry);

    /** A request's handler has started. */
    void begin() {
        inFlight.inc();
    }

    /** A request's handler has finished (answered, refused, or its client left). */
    void end() {
        inFlight.dec();
    }

    /** Counts one answered request that took {@code nanos}. */
    void request(String model, String endpoint, int status, long nanos) {
        requests.labelValues(model, endpoint, Integer.toString(status)).inc();
        if (status >= 400) errors.labelValues(Integer.toString(status)).inc();
        latency.labelValues(model, endpoint).observe(nanos / 1e9);
    }

    /** Records one batch of {@code rows} rows whose requests waited {@code queuedNanos}. */
    void batch(String model, int rows, long[] queuedNanos) {
        batchSize.labelValues(model).observe(rows);
        var q = queueTime.labelValues(model);
        for (long n : queuedNanos) q.observe(n / 1e9);
    }

    /** Shows {@code depth} of each model's queue as a gauge read at scrape time. */
    void queueDepth(ToDoubleFunction<String> depth, Iterable<String> models) {
        Gauge g = Gauge.builder().name("panamax_queue_depth").help("Requests waiting in each model's queue").labelNames("model").register(registry);
        this.depth = () -> {
            for (String m : models) g.labelValues(m).set(depth.applyAsDouble(m));
        };
    }

    private Runnable depth = () -> { };

    /** The text exposition of every metric. */
    byte[] scrape() {
        depth.run();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The content type of {@link #scrape}. */
    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
