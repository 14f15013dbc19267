package dev.panamax.apps.serve;

/**
 * How the server listens and batches.
 *
 * @param host          the address to bind (127.0.0.1: this machine only)
 * @param port          the port; 0 picks a free one ({@link ModelServer#port()} tells which)
 * @param maxBatch      the most rows one model run takes; 1 turns batching off
 * @param maxWaitMillis how long the first request of a batch waits for others to join it
 * @param queue         requests each model holds waiting; beyond it the server answers 503 (back-pressure)
 * @param maxBodyBytes  the largest request body; a larger one is answered 413 without being read
 * @param drainSeconds  on shutdown, how long requests in flight get to finish
 * @param maxTokens     the most tokens one {@code :generate} request may ask for
 */
public record ServeOptions(String host, int port, int maxBatch, double maxWaitMillis, int queue, long maxBodyBytes, int drainSeconds, int maxTokens) {
    public ServeOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        if (maxBatch < 1) throw new IllegalArgumentException("--max-batch must be at least 1, got " + maxBatch);
        if (!(maxWaitMillis >= 0)) throw new IllegalArgumentException("--max-wait-ms must be 0 or more, got " + maxWaitMillis);
        if (queue < 1) throw new IllegalArgumentException("--queue must be at least 1, got " + queue);
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("--max-body must be 1.." + (Integer.MAX_VALUE - 8) + " bytes");
        if (drainSeconds < 0) throw new IllegalArgumentException("--drain-seconds must be 0 or more");
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1");
    }

    /** The defaults: loopback, port 8080, batches of up to 32 gathered for 2 ms, 1,024 queued, 16 MiB bodies. */
    public static ServeOptions defaults() {
        return new ServeOptions("127.0.0.1", 8080, 32, 2, 1024, 16 << 20, 30, 1024);
    }

    /** These options on another port. */
    public ServeOptions withPort(int p) {
        return new ServeOptions(host, p, maxBatch, maxWaitMillis, queue, maxBodyBytes, drainSeconds, maxTokens);
    }

    long maxWaitMicros() {
        return Math.round(maxWaitMillis * 1000);
    }
}
