package dev.panamax.apps.serve;

import static dev.panamax.apps.serve.ServerTestSupport.expected;
import static dev.panamax.apps.serve.ServerTestSupport.get;
import static dev.panamax.apps.serve.ServerTestSupport.images;
import static dev.panamax.apps.serve.ServerTestSupport.instances;
import static dev.panamax.apps.serve.ServerTestSupport.options;
import static dev.panamax.apps.serve.ServerTestSupport.post;
import static dev.panamax.apps.serve.ServerTestSupport.postJson;
import static dev.panamax.apps.serve.ServerTestSupport.saveCnn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server on a loopback ephemeral port, driven over HTTP: every endpoint, every refusal, concurrency, reload, shutdown. */
class ModelServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static float[][] predictions(String body) throws Exception {
        JsonNode p = JSON.readTree(body).get("predictions");
        float[][] out = new float[p.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[p.get(i).size()];
            for (int j = 0; j < out[i].length; j++) out[i][j] = p.get(i).get(j).floatValue();
        }
        return out;
    }

    static void assertClose(float[][] want, float[][] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], got[i], 1e-5f, "row " + i);
    }

    @Test
    void healthModelsPredictionsAndMetrics(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("mnist").resolve("model"), 1);
        float[][] x = images(3, 7);
        float[][] want = expected(model, x);
        try (ModelServer s = ModelServer.start(Map.of(ServedModel.defaultName(model.toString()), model.toString()), options())) {
            int port = s.port();
            assertEquals(List.of("mnist"), s.modelNames());
            HttpResponse<String> health = get(port, "/health");
            assertEquals(200, health.statusCode());
            assertEquals("ready", JSON.readTree(health.body()).get("status").asText());

            JsonNode models = JSON.readTree(get(port, "/v1/models").body()).get("models");
            assertEquals("mnist", models.get(0).get("name").asText());
            assertEquals("[-1,28,28,1]", models.get(0).get("input").get("shape").toString());
            assertEquals("[-1,10]", models.get(0).get("output").get("shape").toString());
            assertEquals("tensor", JSON.readTree(get(port, "/v1/models/mnist").body()).get("kind").asText());

            HttpResponse<String> r = postJson(port, "/v1/models/mnist:predict", instances(x));
            assertEquals(200, r.statusCode(), r.body());
            assertClose(want, predictions(r.body()));

            // .npy in, .npy out
            byte[] npy = Npy.write(flat(x), 3, 784);
            HttpResponse<byte[]> nr = ServerTestSupport.CLIENT.send(HttpRequest.newBuilder(ServerTestSupport.uri(port, "/v1/models/mnist:predict"))
                    .header("Content-Type", "application/x-npy").header("Accept", "application/x-npy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(npy)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, nr.statusCode());
            assertEquals("application/x-npy", nr.headers().firstValue("Content-Type").orElse(""));
            Input back = Npy.read(nr.body(), new long[] {10});
            assertEquals(3, back.rows());
            for (int i = 0; i < 3; i++) assertArrayEquals(want[i], java.util.Arrays.copyOfRange(back.values(), 10 * i, 10 * i + 10), 1e-5f);

            // a PNG: 28 × 28 grey, so the scaling is the identity and the pixels are the image's bytes / 255
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            float[] px = new float[784];
            for (int i = 0; i < 784; i++) {
                img.getRaster().setSample(i % 28, i / 28, 0, (i * 37) % 256);
                px[i] = ((i * 37) % 256) / 255f;
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);
            HttpResponse<String> pr = post(port, "/v1/models/mnist:predict", "image/png", png.toByteArray());
            assertEquals(200, pr.statusCode(), pr.body());
            assertClose(expected(model, new float[][] {px}), predictions(pr.body()));

            String metrics = get(port, "/metrics").body();
            assertTrue(metrics.contains("panamax_requests_total{endpoint=\"predict\",model=\"mnist\",status=\"200\"} 3.0"), metrics);
            assertTrue(metrics.contains("panamax_batch_size_bucket{model=\"mnist\""), metrics);
            assertTrue(metrics.contains("panamax_queue_seconds_count{model=\"mnist\"}"), metrics);
            assertTrue(metrics.contains("panamax_request_duration_seconds_bucket{endpoint=\"predict\",model=\"mnist\""), metrics);
            assertTrue(metrics.contains("panamax_queue_depth{model=\"mnist\"} 0.0"), metrics);
        }
    }

    static float[] flat(float[][] x) {
        float[] f = new float[x.length * x[0].length];
        for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, f, i * x[0].length, x[0].length);
        return f;
    }

    private static void assertError(int status, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertFalse(r.body().contains("\n"), r.body());
        assertFalse(r.body().contains("at dev.panamax"), r.body());
        assertTrue(JSON.readTree(r.body()).get("error").isTextual(), r.body());
    }

    @Test
    void everyRefusalIsItsStatusAndOneLineOfJson(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 1);
        ServeOptions small = new ServeOptions("127.0.0.1", 0, 8, 1, 256, 10_000, 5, 64);
        try (ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), small)) {
            int port = s.port();
            String p = "/v1/models/cnn:predict";
            assertError(400, postJson(port, p, "{\"instances\": [[1, 2"));
            assertError(400, postJson(port, p, "{\"instances\": [[1, 2, 3]]}"));
            assertError(400, postJson(port, p, "{\"instances\": [[\"one\", \"two\"]]}"));
            assertError(400, post(port, p, "application/x-npy", "not an npy".getBytes(StandardCharsets.UTF_8)));
            assertError(400, post(port, p, "image/png", "not a png".getBytes(StandardCharsets.UTF_8)));
            assertError(404, postJson(port, "/v1/models/nope:predict", instances(images(1, 1))));
            assertError(404, get(port, "/v1/models/nope"));
            assertError(404, postJson(port, "/v1/models/cnn:embed", "{\"instances\": [\"a\"]}"));
            assertError(404, postJson(port, "/v1/models/cnn:fly", "{}"));
            assertError(404, get(port, "/nothing/here"));
            assertError(405, get(port, p));
            assertError(405, postJson(port, "/health", "{}"));
            assertError(413, postJson(port, p, instances(images(2, 1))));  // about 14 KB against a 10 KB limit
            assertError(415, post(port, p, "application/x-www-form-urlencoded", "a=b".getBytes(StandardCharsets.UTF_8)));

            // A client that promises 1,000 bytes, sends 10 and leaves: nothing queued for it, the server serves on.
            try (Socket sock = new Socket("127.0.0.1", port)) {
                OutputStream o = sock.getOutputStream();
                o.write(("POST " + p + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"instances").getBytes(StandardCharsets.US_ASCII));
                o.flush();
            }
            assertEquals(200, postJson(port, p, instances(images(1, 2))).statusCode());
            String metrics = get(port, "/metrics").body();
            assertFalse(metrics.contains("status=\"500\""), metrics);
            assertTrue(metrics.contains("panamax_errors_total{status=\"400\"} 5.0"), metrics);
        }
    }

    @Test
    void concurrentClientsGetTheInProcessAnswers(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 3);
        float[][] x = images(64, 11);
        float[][] want = expected(model, x);
        try (ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), options());
                ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    for (int k = 0; k < 12; k++) {
                        int i = (client * 12 + k) % x.length;
                        HttpResponse<String> r = postJson(s.port(), "/v1/models/cnn:predict", instances(x[i]));
                        assertEquals(200, r.statusCode(), r.body());
                        assertClose(new float[][] {want[i]}, predictions(r.body()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        }
    }

    @Test
    void reloadUnderLoadSwapsWholeBatches(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 1);
        float[][] x = images(1, 5);
        float[] a = expected(model, x)[0];
        Path other = saveCnn(dir.resolve("other"), 2);
        float[] b = expected(other, x)[0];
        try (ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), options());
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            String body = instances(x);
            AtomicInteger sawB = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                clients.add(pool.submit(() -> {
                    while (!stop.get()) {
                        HttpResponse<String> r = postJson(s.port(), "/v1/models/cnn:predict", body);
                        assertEquals(200, r.statusCode(), r.body());
                        float[] got = predictions(r.body())[0];
                        boolean isA = close(a, got), isB = close(b, got);
                        assertTrue(isA || isB, "an answer from neither model");
                        if (isB) sawB.incrementAndGet();
                    }
                    return null;
                }));
            }
            Thread.sleep(200);
            saveCnn(model, 2);  // new weights in the served folder; the server reads them only on reload
            HttpResponse<String> r = postJson(s.port(), "/v1/models/cnn:reload", "");
            assertEquals(200, r.statusCode(), r.body());
            assertArrayEquals(b, predictions(postJson(s.port(), "/v1/models/cnn:predict", body).body())[0], 1e-5f);
            Thread.sleep(200);
            stop.set(true);
            for (Future<?> f : clients) f.get();
            assertTrue(sawB.get() > 0);
            assertEquals(1, JSON.readTree(get(s.port(), "/v1/models/cnn").body()).get("reloads").asInt());
        }
    }

    private static boolean close(float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) if (Math.abs(want[i] - got[i]) > 1e-5f) return false;
        return true;
    }

    @Test
    void aFloodBeyondTheQueueGets503sNotFailures(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 1);
        ServeOptions tiny = new ServeOptions("127.0.0.1", 0, 1, 0, 1, 1 << 20, 5, 64);
        String body = instances(images(1, 3));
        try (ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), tiny);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 64; i++) all.add(pool.submit(() -> postJson(s.port(), "/v1/models/cnn:predict", body).statusCode()));
            int ok = 0;
            for (Future<Integer> f : all) {
                int st = f.get();
                assertTrue(st == 200 || st == 503, "status " + st);
                if (st == 200) ok++;
            }
            assertTrue(ok > 0);
        }
    }

    @Test
    void closeLetsRequestsInFlightFinish(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 1);
        String body = instances(images(4, 3));
        ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), options());
        int port = s.port();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            inFlight.add(ServerTestSupport.CLIENT.sendAsync(HttpRequest.newBuilder(ServerTestSupport.uri(port, "/v1/models/cnn:predict"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        while (get(port, "/metrics").body().contains("panamax_queue_depth{model=\"cnn\"} 0.0") && !inFlight.getFirst().isDone()) Thread.onSpinWait();
        s.close();
        int answered = 0;
        for (var f : inFlight) {
            try {
                HttpResponse<String> r = f.get();
                assertEquals(200, r.statusCode(), r.body());
                answered++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof java.io.IOException, e.toString());  // never accepted: the listener had closed
            }
        }
        assertTrue(answered > 0);
        assertFalse(ServerTestSupport.CLIENT.sendAsync(HttpRequest.newBuilder(ServerTestSupport.uri(port, "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).handle((r, t) -> t == null).get(), "the listener is closed");
    }

    @Test
    void aShortSoakOfGoodAndBadRequests(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 4);
        float[][] x = images(8, 9);
        float[][] want = expected(model, x);
        long end = System.nanoTime() + 3_000_000_000L;
        try (ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), options());
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            AtomicInteger good = new AtomicInteger(), bad = new AtomicInteger();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int k = 0; System.nanoTime() < end; k++) {
                        int i = (client + k) % x.length;
                        if (k % 5 == 4) {
                            assertEquals(400, postJson(s.port(), "/v1/models/cnn:predict", "{\"instances\": [[1, 2]]}").statusCode());
                            bad.incrementAndGet();
                        } else {
                            HttpResponse<String> r = postJson(s.port(), "/v1/models/cnn:predict", instances(x[i]));
                            assertEquals(200, r.statusCode(), r.body());
                            assertClose(new float[][] {want[i]}, predictions(r.body()));
                            good.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) f.get();
            String metrics = get(s.port(), "/metrics").body();
            assertTrue(metrics.contains("panamax_requests_total{endpoint=\"predict\",model=\"cnn\",status=\"200\"} " + good.get() + ".0")
                    || metrics.contains("panamax_requests_total{endpoint=\"predict\",model=\"cnn\",status=\"200\"} " + good.get() + "\n"), metrics);
            assertTrue(good.get() > 50, "requests answered in 3 s: " + good.get());
        }
    }

    static byte[] le(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }
}
