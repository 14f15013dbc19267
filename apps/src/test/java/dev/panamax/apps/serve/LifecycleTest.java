package dev.panamax.apps.serve;

import static dev.panamax.apps.serve.ServerTestSupport.expected;
import static dev.panamax.apps.serve.ServerTestSupport.get;
import static dev.panamax.apps.serve.ServerTestSupport.images;
import static dev.panamax.apps.serve.ServerTestSupport.instances;
import static dev.panamax.apps.serve.ServerTestSupport.options;
import static dev.panamax.apps.serve.ServerTestSupport.saveCnn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's start and end: {@code /health} says 503 until warm-up is over, and close drains what is in flight. */
class LifecycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void healthIs503WhileWarmingUpAnd200After(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 1);
        AtomicReference<HttpResponse<String>> during = new AtomicReference<>();
        try (ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), options(), listening -> {
            try {
                during.set(get(listening.port(), "/health"));  // the port is open, no model has run yet
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        })) {
            assertEquals(503, during.get().statusCode(), during.get().body());
            assertEquals("starting", JSON.readTree(during.get().body()).get("status").asText());
            HttpResponse<String> after = get(s.port(), "/health");
            assertEquals(200, after.statusCode(), after.body());
            assertEquals("ready", JSON.readTree(after.body()).get("status").asText());
        }
    }

    @Test
    void closeFinishesTheRequestInFlightWhileRefusingNewConnections(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 2);
        float[][] x = images(1, 11);
        float[] want = expected(model, x)[0];
        byte[] body = instances(x).getBytes(StandardCharsets.UTF_8);
        ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), options());
        int port = s.port();
        try (Socket client = new Socket("127.0.0.1", port)) {
            // In flight: the headers and half the body sent, so the handler is running and waits for the rest.
            OutputStream o = client.getOutputStream();
            o.write(("POST /v1/models/cnn:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.write(body, 0, body.length / 2);
            o.flush();
            long deadline = System.nanoTime() + 10_000_000_000L;
            // 2: this request and the /metrics request asking
            while (!get(port, "/metrics").body().contains("panamax_requests_in_flight 2.0")) {
                assertTrue(System.nanoTime() < deadline, "the request never started");
                Thread.sleep(5);
            }

            Thread closer = Thread.ofPlatform().start(s::close);
            while (accepts(port)) {
                assertTrue(System.nanoTime() < deadline, "the listener stayed open after close began");
                Thread.sleep(5);
            }
            assertTrue(closer.isAlive(), "close returned with a request still in flight");
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());

            o.write(body, body.length / 2, body.length - body.length / 2);
            o.flush();
            InputStream in = client.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
            float[][] got = ModelServerTest.predictions(reply.substring(reply.indexOf("\r\n\r\n") + 4));
            ModelServerTest.assertClose(new float[][] {want}, got);
            closer.join(10_000);
            assertFalse(closer.isAlive(), "close did not return once the request was answered");
        } finally {
            s.close();
        }
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
