package dev.panamax.apps.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One request as the endpoints see it: its body read under the size limit, its media types, and the reply sent. */
final class Exchange {
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpExchange http;
    private final long maxBody;
    private int status;

    Exchange(HttpExchange http, long maxBody) {
        this.http = http;
        this.maxBody = maxBody;
    }

    /** The status sent (0 before a reply). */
    int status() {
        return status;
    }

    /** Records that the client left before a reply could be sent (nginx's 499, for the metrics only). */
    void clientLeft() {
        if (status == 0) status = 499;
    }

    /** The request's media type, lower case, without parameters; null when the client sent none. */
    String contentType() {
        String c = http.getRequestHeaders().getFirst("Content-Type");
        if (c == null) return null;
        int semi = c.indexOf(';');
        return (semi < 0 ? c : c.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** Whether the client's Accept header names {@code type}. */
    boolean accepts(String type) {
        String a = http.getRequestHeaders().getFirst("Accept");
        return a != null && a.toLowerCase(Locale.ROOT).contains(type);
    }

    /** The whole body, refused with 413 when longer than the limit (by its Content-Length, unread, or while reading). */
    byte[] body() throws IOException {
        String len = http.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len.trim()) > maxBody) throw tooLarge();
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Content-Length is not a number");
            }
        }
        InputStream in = http.getRequestBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            if (out.size() > maxBody) throw tooLarge();
        }
        return out.toByteArray();
    }

    private ApiError tooLarge() {
        return new ApiError(413, "the body is larger than the server's limit of " + maxBody + " bytes");
    }

    /** Sends {@code body} with {@code status} and content type. */
    void send(int code, String type, byte[] body) throws IOException {
        status = code;
        http.getResponseHeaders().set("Content-Type", type);
        http.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream o = http.getResponseBody()) {
            o.write(body);
        }
    }

    /** Sends a JSON reply written by {@code writer}. */
    void sendJson(int code, JsonWriter writer) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(buf)) {
            writer.write(g);
        }
        send(code, "application/json", buf.toByteArray());
    }

    /** Sends the one-line JSON error {@code {"error": message}}. */
    void sendError(int code, String message) throws IOException {
        if (code == 503) http.getResponseHeaders().set("Retry-After", "1");
        sendJson(code, g -> {
            g.writeStartObject();
            g.writeStringField("error", message.replace('\n', ' '));
            g.writeEndObject();
        });
    }

    /** Starts a server-sent-event stream (status 200, length unknown). */
    OutputStream startEvents() throws IOException {
        status = 200;
        http.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        http.getResponseHeaders().set("Cache-Control", "no-cache");
        http.sendResponseHeaders(200, 0);
        return http.getResponseBody();
    }

    /** Writes one event ({@code event} may be null for the default type) and flushes it to the client. */
    static void event(OutputStream out, String event, JsonWriter data) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            if (event != null) buf.write(("event: " + event + "\n").getBytes(StandardCharsets.UTF_8));
            buf.write("data: ".getBytes(StandardCharsets.UTF_8));
            try (JsonGenerator g = JSON.getFactory().createGenerator(buf)) {
                data.write(g);
            }
            buf.write("\n\n".getBytes(StandardCharsets.UTF_8));
            out.write(buf.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // the client left: stops the generation that feeds this stream
        }
    }

    /** Writes {@code len} floats from {@code off} as a JSON array (each as its shortest float text, not a double's). */
    static void floats(JsonGenerator g, float[] a, int off, int len) throws IOException {
        g.writeStartArray(a, len);
        for (int i = off; i < off + len; i++) g.writeNumber(a[i]);
        g.writeEndArray();
    }

    /** Writes a JSON value. */
    @FunctionalInterface
    interface JsonWriter {
        void write(JsonGenerator g) throws IOException;
    }
}
