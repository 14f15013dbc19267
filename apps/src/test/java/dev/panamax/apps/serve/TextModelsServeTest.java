package dev.panamax.apps.serve;

import static dev.panamax.apps.serve.ServerTestSupport.get;
import static dev.panamax.apps.serve.ServerTestSupport.options;
import static dev.panamax.apps.serve.ServerTestSupport.post;
import static dev.panamax.apps.serve.ServerTestSupport.postJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.apps.embed.MiniLm;
import dev.panamax.apps.embed.SentenceEmbedder;
import dev.panamax.apps.gpt.GptTraining;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code :generate} on a tiny GPT trained in the test (plain and streamed), {@code :embed} on all-MiniLM-L6-v2. */
class TextModelsServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path tinyGpt(Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("text.txt"), "the cat sat on the mat. the dog sat on the log. ".repeat(80));
        Path model = dir.resolve("gpt").resolve("model");
        GptTraining.run(GptTraining.Options.builder().dataFile(text).layers(1).heads(2).dim(16).context(16).batch(4).warmup(1)
                .iters(4).evalInterval(4).evalWindows(4).modelDir(model).build(), GptTraining.Listener.NONE);
        return model;
    }

    @Test
    void generatesPlainAndAsServerSentEvents(@TempDir Path dir) throws Exception {
        Path model = tinyGpt(dir);
        try (ModelServer s = ModelServer.start(Map.of("gpt", model.toString()), options())) {
            int port = s.port();
            assertEquals("gpt", JSON.readTree(get(port, "/v1/models").body()).get("models").get(0).get("kind").asText());
            String req = "{\"prompt\": \"the cat\", \"max_tokens\": 12, \"temperature\": 0}";
            HttpResponse<String> plain = postJson(port, "/v1/models/gpt:generate", req);
            assertEquals(200, plain.statusCode(), plain.body());
            JsonNode p = JSON.readTree(plain.body());
            assertEquals(12, p.get("tokens").asInt());
            String text = p.get("text").asText();

            HttpResponse<String> sse = ServerTestSupport.CLIENT.send(HttpRequest.newBuilder(ServerTestSupport.uri(port, "/v1/models/gpt:generate"))
                    .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(req)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sse.statusCode());
            assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            StringBuilder streamed = new StringBuilder();
            String done = null;
            for (String event : sse.body().split("\n\n")) {
                if (event.startsWith("data: ")) streamed.append(JSON.readTree(event.substring(6)).get("token").asText());
                else if (event.startsWith("event: done\ndata: ")) done = JSON.readTree(event.substring("event: done\ndata: ".length())).get("text").asText();
            }
            assertEquals(text, streamed.toString(), "greedy: the stream is the plain answer, token by token");
            assertEquals(text, done);

            assertEquals(200, post(port, "/v1/models/gpt:generate", "text/plain", "the dog".getBytes(StandardCharsets.UTF_8)).statusCode());
            assertEquals(400, postJson(port, "/v1/models/gpt:generate", "{\"prompt\": \"ZQX\"}").statusCode(), "characters the vocabulary lacks");
            assertEquals(400, postJson(port, "/v1/models/gpt:generate", "{\"prompt\": \"the\", \"max_tokens\": 0}").statusCode());
            assertEquals(400, postJson(port, "/v1/models/gpt:generate", "{\"prompt\": \"" + "the cat ".repeat(5) + "\"}").statusCode(), "longer than the context");
            assertEquals(400, postJson(port, "/v1/models/gpt:generate", "{\"prompt\": \"the\", \"temperature\": -1}").statusCode());
            assertEquals(404, postJson(port, "/v1/models/gpt:predict", "{\"instances\": [[1]]}").statusCode());
            assertEquals(200, postJson(port, "/v1/models/gpt:reload", "").statusCode());
            assertEquals(text, JSON.readTree(postJson(port, "/v1/models/gpt:generate", req).body()).get("text").asText());
        }
    }

    @Test
    void embedsAsTheEmbedderDoesInProcess() throws Exception {
        List<String> sentences = List.of("The cat sits on the mat.", "A feline rests on a rug.", "一个男人在吃东西。");
        float[][] want;
        try (SentenceEmbedder e = SentenceEmbedder.miniLm()) {
            want = e.embed(sentences);
        }
        try (ModelServer s = ModelServer.start(Map.of(MiniLm.NAME, MiniLm.NAME), options())) {
            int port = s.port();
            String body = JSON.writeValueAsString(Map.of("instances", sentences));
            HttpResponse<String> r = postJson(port, "/v1/models/" + MiniLm.NAME + ":embed", body);
            assertEquals(200, r.statusCode(), r.body());
            float[][] got = ModelServerTest.predictions(r.body());
            for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], got[i], 1e-5f);
            HttpResponse<String> lines = post(port, "/v1/models/" + MiniLm.NAME + ":embed", "text/plain",
                    String.join("\n", sentences).concat("\n").getBytes(StandardCharsets.UTF_8));
            float[][] got2 = ModelServerTest.predictions(lines.body());
            assertEquals(3, got2.length);
            assertArrayEquals(want[2], got2[2], 1e-5f);
            assertEquals(400, postJson(port, "/v1/models/" + MiniLm.NAME + ":embed", "{\"instances\": [1, 2]}").statusCode());
            assertEquals(415, post(port, "/v1/models/" + MiniLm.NAME + ":embed", "image/png", new byte[] {1}).statusCode());
            assertEquals("[-1,384]", JSON.readTree(get(port, "/v1/models/" + MiniLm.NAME).body()).get("output").get("shape").toString());
        }
    }
}
