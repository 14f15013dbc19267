package dev.panamax.apps.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.panamax.data.text.Tokenizer;
import dev.panamax.nn.transformer.Sampler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** The model verbs: {@code :predict}, {@code :embed}, {@code :generate}, {@code :reload}. */
final class Endpoints {
    private final ServeOptions options;

    Endpoints(ServeOptions options) {
        this.options = options;
    }

    /** Runs {@code verb} on {@code model}. */
    void handle(ServedModel model, String verb, Exchange ex) throws IOException {
        switch (verb) {
            case "predict" -> {
                if (model instanceof TensorModel t) predict(t, ex);
                else if (model instanceof EmbeddingModel e) embed(e, ex);
                else throw ApiError.notFound("model '" + model.name() + "' has no :predict; use :generate");
            }
            case "embed" -> {
                if (model instanceof EmbeddingModel e) embed(e, ex);
                else throw ApiError.notFound("model '" + model.name() + "' is not an embedding model; it has no :embed");
            }
            case "generate" -> {
                if (model instanceof GptModel g) generate(g, ex);
                else throw ApiError.notFound("model '" + model.name() + "' is not a GPT; it has no :generate");
            }
            case "reload" -> reload(model, ex);
            default -> throw ApiError.notFound("unknown verb ':" + verb + "' (known: predict, embed, generate, reload)");
        }
    }

    private void predict(TensorModel m, Exchange ex) throws IOException {
        Input in;
        // On its way while read and parsed; no longer once parsed, so the batch it joins does not wait for it.
        try (Batcher.Arrival a = m.arrive()) {
            in = RequestBodies.parse(ex.contentType(), ex.body(), m.inputShape());
        }
        float[] out = await(m.predict(in));
        int cols = out.length / in.rows();
        if (ex.accepts(RequestBodies.NPY)) {
            ex.send(200, RequestBodies.NPY, Npy.write(out, in.rows(), cols));
            return;
        }
        if (ex.accepts(RequestBodies.ARROW)) {
            ex.send(200, RequestBodies.ARROW, ArrowInstances.write(out, in.rows(), cols));
            return;
        }
        ex.sendJson(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            for (int r = 0; r < in.rows(); r++) Exchange.floats(g, out, r * cols, cols);
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void embed(EmbeddingModel m, Exchange ex) throws IOException {
        List<String> texts;
        try (Batcher.Arrival a = m.arrive()) {
            texts = texts(ex);
        }
        float[][] vectors = await(m.embed(texts));
        ex.sendJson(200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("predictions");
            for (float[] v : vectors) Exchange.floats(g, v, 0, v.length);
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The sentences of an {@code :embed} body: JSON instances, or one a line in plain text. */
    private static List<String> texts(Exchange ex) throws IOException {
        String type = ex.contentType();
        List<String> texts = new ArrayList<>();
        if (type != null && type.equals("text/plain")) {
            String body = utf8(ex.body());
            texts.addAll(List.of(body.split("\r?\n", -1)));
            if (!texts.isEmpty() && texts.getLast().isEmpty() && texts.size() > 1) texts.removeLast();  // the final line break
        } else if (type == null || type.equals("application/json")) {
            JsonNode instances = json(ex.body()).path("instances");
            if (!instances.isArray() || instances.isEmpty()) throw ApiError.badRequest("the body must be {\"instances\": [\"a sentence\", ...]}");
            for (JsonNode n : instances) {
                if (!n.isTextual()) throw ApiError.badRequest("instances must be strings, found " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
                texts.add(n.asText());
            }
        } else {
            throw unsupported(type, "application/json or text/plain");
        }
        return texts;
    }

    private void generate(GptModel m, Exchange ex) throws IOException {
        String type = ex.contentType();
        String prompt;
        JsonNode req;
        if (type != null && type.equals("text/plain")) {
            prompt = utf8(ex.body());
            req = Exchange.JSON.createObjectNode();
        } else if (type == null || type.equals("application/json")) {
            req = json(ex.body());
            if (!req.path("prompt").isTextual()) throw ApiError.badRequest("the body must be {\"prompt\": \"text\", ...}");
            prompt = req.get("prompt").asText();
        } else {
            throw unsupported(type, "application/json or text/plain");
        }
        int tokens = req.path("max_tokens").asInt(Math.min(64, options.maxTokens()));
        if (tokens < 1 || tokens > options.maxTokens()) throw ApiError.badRequest("max_tokens must be 1.." + options.maxTokens() + ", got " + tokens);
        Sampler sampler;
        int[] ids;
        try {
            sampler = new Sampler(req.path("temperature").asDouble(0.8), req.path("top_k").asInt(0), req.path("top_p").asDouble(1.0), req.path("seed").asLong(42));
            ids = m.tokenizer().encode(prompt);  // names any character the vocabulary lacks
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        if (ids.length == 0) throw ApiError.badRequest("the prompt is empty");
        if (ids.length > m.context()) throw ApiError.badRequest("the prompt has " + ids.length + " tokens; the model reads at most " + m.context());
        boolean stream = req.path("stream").asBoolean(false) || ex.accepts("text/event-stream");
        TokenEvents events = new TokenEvents(m.tokenizer(), stream ? ex : null);
        int[] out = await(m.generate(new GptModel.Job(ids, tokens, sampler, events::accept)));
        String text = m.tokenizer().decode(out);
        if (!stream) {
            ex.sendJson(200, g -> {
                g.writeStartObject();
                g.writeStringField("text", text);
                g.writeNumberField("tokens", out.length);
                g.writeEndObject();
            });
            return;
        }
        OutputStream o = events.flush();
        try {
            Exchange.event(o, "done", g -> {
                g.writeStartObject();
                g.writeStringField("text", text);
                g.writeNumberField("tokens", out.length);
                g.writeEndObject();
            });
            o.close();
        } catch (UncheckedIOException e) {
            // the client left after the last token: nothing more to do
        }
    }

    private void reload(ServedModel m, Exchange ex) throws IOException {
        long t0 = System.nanoTime();
        try {
            m.reload();
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new ApiError(409, "reload failed, the previous model is still served: " + e.getMessage());
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        ex.sendJson(200, g -> {
            g.writeStartObject();
            g.writeStringField("model", m.name());
            g.writeNumberField("reload_ms", Math.round(ms * 10) / 10.0);
            g.writeEndObject();
        });
    }

    /** Waits for a model's answer; its refusals keep their status, a bad argument is the client's (400). */
    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted while waiting for the model");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiError a) throw a;
            if (c instanceof IllegalArgumentException) throw ApiError.badRequest(c.getMessage());
            if (c instanceof UncheckedIOException u) throw u;  // the client left mid-stream
            throw new IllegalStateException("the model failed", c);
        }
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode n = Exchange.JSON.readTree(body);
            if (n == null || !n.isObject()) throw ApiError.badRequest("the body must be a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable body");
        }
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiError.badRequest("the body is not UTF-8 text");
        }
    }

    private static ApiError unsupported(String type, String allowed) {
        return new ApiError(415, "Content-Type " + type + " is not accepted here; send " + allowed);
    }

    /**
     * Sends each token's text as an event once it is whole (a byte-level tokenizer may split a character over two
     * tokens), or collects nothing when not streaming. Called on the model's worker thread; the handler writes the
     * final event after the generation's future completes, which orders the two.
     */
    private static final class TokenEvents {
        private final Tokenizer tokenizer;
        private final Exchange ex;
        private final List<Integer> waiting = new ArrayList<>();
        private OutputStream out;

        TokenEvents(Tokenizer tokenizer, Exchange ex) {
            this.tokenizer = tokenizer;
            this.ex = ex;
        }

        void accept(int token) {
            if (ex == null) return;
            waiting.add(token);
            String text = tokenizer.decode(waiting.stream().mapToInt(Integer::intValue).toArray());
            if (!text.isEmpty() && text.charAt(text.length() - 1) == '\uFFFD') return;  // an unfinished character
            waiting.clear();
            Exchange.event(stream(), null, g -> {
                g.writeStartObject();
                g.writeStringField("token", text);
                g.writeEndObject();
            });
        }

        private OutputStream stream() {
            try {
                if (out == null) out = ex.startEvents();
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Sends what is still waiting; returns the stream (started if no token was sent yet). */
        OutputStream flush() {
            if (!waiting.isEmpty()) {
                String text = tokenizer.decode(waiting.stream().mapToInt(Integer::intValue).toArray());
                waiting.clear();
                Exchange.event(stream(), null, g -> {
                    g.writeStartObject();
                    g.writeStringField("token", text);
                    g.writeEndObject();
                });
            }
            return stream();
        }
    }
}
