package dev.panamax.apps.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The inference server behind {@code panamax serve}: the JDK's {@link HttpServer} with a virtual thread per
 * request, a {@link Batcher} per model. Endpoints:
 * <ul>
 *   <li>{@code POST /v1/models/NAME:predict} (JSON instances, {@code .npy}, an Arrow IPC stream, an image), {@code :embed}, {@code :generate}
 *       (server-sent events when streaming), {@code :reload};</li>
 *   <li>{@code GET /v1/models}, {@code GET /v1/models/NAME}, {@code GET /health} (200 once warmed up), {@code GET /metrics}.</li>
 * </ul>
 * Every refusal is a status and a one-line JSON {@code {"error": ...}}; an unexpected failure is a 500 with a generic
 * line, its stack trace going to the server's log only. Models are loaded and warmed up before {@code /health} says
 * ready; {@link #close} stops taking connections, lets requests in flight finish, then frees the models.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelServer.class.getName());

    static {
        // The JDK server closes keep-alive connections beyond 200 idle ones (its default), which a load of 256
        // clients measured as reconnects; read once, when the first server in the JVM is made.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
    }

    private final ServeOptions options;
    private final Map<String, ServedModel> models;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Endpoints endpoints;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String state = "starting";

    private ModelServer(Map<String, String> sources, ServeOptions options) throws IOException {
        this.options = options;
        this.endpoints = new Endpoints(options);
        Map<String, ServedModel> open = new LinkedHashMap<>();
        try {
            for (var e : sources.entrySet()) open.put(e.getKey(), ServedModel.open(e.getKey(), e.getValue(), options, metrics));
            this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 1024);
        } catch (IOException | RuntimeException e) {
            open.values().forEach(ServedModel::close);
            throw e;
        }
        this.models = Map.copyOf(open);
        metrics.queueDepth(name -> models.get(name).queued(), List.copyOf(open.keySet()));
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /**
     * Loads {@code sources} (name → {@value dev.panamax.apps.embed.MiniLm#NAME}, an {@code .onnx} file or a model
     * folder), starts listening and warms every model up; returns once {@code /health} says ready. Call it with no
     * memory scope open: the models outlive the caller's scopes.
     */
    public static ModelServer start(Map<String, String> sources, ServeOptions options) throws IOException {
        return start(sources, options, s -> { });
    }

    /** {@link #start(Map, ServeOptions)}, calling {@code listening} once the port is open and before warm-up (tests ask {@code /health} then). */
    static ModelServer start(Map<String, String> sources, ServeOptions options, Consumer<ModelServer> listening) throws IOException {
        if (sources.isEmpty()) throw new IllegalArgumentException("give at least one model to serve");
        ModelServer s = new ModelServer(sources, options);
        s.http.start();  // /health answers 503 while the models warm up
        try {
            listening.accept(s);
            s.models.values().forEach(ServedModel::warmUp);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        s.state = "ready";
        return s;
    }

    /** The name a model gets in the URL when none is given: its folder's name, or the parent's for {@code .../model}. */
    public static String defaultName(String source) {
        return ServedModel.defaultName(source);
    }

    /** The port it listens on (the one chosen when the options said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The names of the models served. */
    public List<String> modelNames() {
        return new ArrayList<>(models.keySet());
    }

    /** Blocks until {@link #close} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * Graceful shutdown: {@code /health} turns 503, the listener closes, requests in flight get up to
     * {@code drainSeconds} to finish, queued batches run, and the models are freed.
     */
    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) return;
        state = "draining";
        http.stop(options.drainSeconds());  // returns once every exchange has finished, or the time is up
        models.values().forEach(ServedModel::close);
        executor.close();
        closed.countDown();
    }

    private void handle(HttpExchange h) {
        long t0 = System.nanoTime();
        metrics.begin();
        Exchange ex = new Exchange(h, options.maxBodyBytes());
        String model = "", endpoint = "unknown";
        try {
            String path = h.getRequestURI().getRawPath();
            String method = h.getRequestMethod();
            if (path.equals("/health")) {
                endpoint = "health";
                requireMethod(method, "GET");
                boolean ready = state.equals("ready");
                ex.sendJson(ready ? 200 : 503, g -> {
                    g.writeStartObject();
                    g.writeStringField("status", state);
                    g.writeEndObject();
                });
            } else if (path.equals("/metrics")) {
                endpoint = "metrics";
                requireMethod(method, "GET");
                ex.send(200, ServerMetrics.contentType(), metrics.scrape());
            } else if (path.equals("/v1/models") || path.equals("/v1/models/")) {
                endpoint = "models";
                requireMethod(method, "GET");
                ObjectNode root = Exchange.JSON.createObjectNode();
                var list = root.putArray("models");
                for (ServedModel m : models.values()) m.describe(list.addObject().put("name", m.name()));
                ex.send(200, "application/json", Exchange.JSON.writeValueAsBytes(root));
            } else if (path.startsWith("/v1/models/")) {
                String rest = path.substring("/v1/models/".length());
                int colon = rest.lastIndexOf(':');
                String name = colon < 0 ? rest : rest.substring(0, colon);
                ServedModel m = models.get(name);
                if (m == null) throw ApiError.notFound("no model named '" + name + "' (serving " + models.keySet() + ")");
                model = name;
                if (colon < 0) {
                    endpoint = "model";
                    requireMethod(method, "GET");
                    ObjectNode one = Exchange.JSON.createObjectNode().put("name", name);
                    m.describe(one);
                    ex.send(200, "application/json", Exchange.JSON.writeValueAsBytes(one));
                } else {
                    endpoint = rest.substring(colon + 1);
                    requireMethod(method, "POST");
                    endpoints.handle(m, endpoint, ex);
                }
            } else {
                throw ApiError.notFound("no endpoint " + path + " (see GET /v1/models, /health, /metrics)");
            }
        } catch (ApiError e) {
            reply(ex, e.status(), e.getMessage());
        } catch (UncheckedIOException | IOException e) {
            // The client went away mid-request or mid-reply: nothing to answer, nothing was left running for it.
            ex.clientLeft();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "request " + h.getRequestMethod() + " " + h.getRequestURI() + " failed", e);
            reply(ex, 500, "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } finally {
            h.close();
            if (!endpoint.equals("unknown") || ex.status() != 0) metrics.request(model, known(endpoint), ex.status(), System.nanoTime() - t0);
            metrics.end();
        }
    }

    /** Keeps the label set small: an unknown verb is counted as "unknown". */
    private static String known(String endpoint) {
        return switch (endpoint) {
            case "health", "metrics", "models", "model", "predict", "embed", "generate", "reload" -> endpoint;
            default -> "unknown";
        };
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) throw new ApiError(405, method + " is not allowed here; use " + allowed);
    }

    private static void reply(Exchange ex, int status, String message) {
        if (ex.status() != 0) return;  // a reply (or a stream) was already started
        try {
            ex.sendError(status, message);
        } catch (IOException | RuntimeException e) {
            // the client is gone
        }
    }
}
