package dev.panamax.apps.serve;

import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.train.Predictor;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/** What the server tests share: a saved CNN, its in-process predictions, and an HTTP client. */
final class ServerTestSupport {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServerTestSupport() {}

    /** Saves the tutorial CNN (untrained, seeded) in {@code dir}. */
    static Path saveCnn(Path dir, long seed) throws IOException {
        try (MemoryScope s = MemoryScope.open("save")) {
            ModelIo.save(Models.tutorialCnn(seed, 10).build(28, 28, 1), dir);
        }
        return dir;
    }

    /** {@code n} random 28 × 28 images, flat. */
    static float[][] images(int n, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][784];
        for (float[] img : x) for (int i = 0; i < img.length; i++) img[i] = r.nextFloat();
        return x;
    }

    /** The saved model's outputs for {@code images}, computed in process with {@link Predictor}. */
    static float[][] expected(Path dir, float[][] images) throws IOException {
        float[] flat = new float[images.length * 784];
        for (int i = 0; i < images.length; i++) System.arraycopy(images[i], 0, flat, 784 * i, 784);
        try (MemoryScope s = MemoryScope.open("expected"); Sequential m = ModelIo.load(dir); Predictor p = new Predictor(m)) {
            float[] out = p.predict(Tensor.of(flat, images.length, 28, 28, 1), 1).toFloatArray();
            float[][] rows = new float[images.length][10];
            for (int i = 0; i < images.length; i++) System.arraycopy(out, 10 * i, rows[i], 0, 10);
            return rows;
        }
    }

    /** {@code {"instances": [...]}} of flat images. */
    static String instances(float[]... images) {
        StringBuilder b = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < images.length; i++) {
            b.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < images[i].length; j++) b.append(j == 0 ? "" : ",").append(images[i][j]);
            b.append(']');
        }
        return b.append("]}").toString();
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri(port, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(int port, String path, String type, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(port, path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) b.header("Content-Type", type);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postJson(int port, String path, String json) throws IOException, InterruptedException {
        return post(port, path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Options for tests: an ephemeral port, a short drain. */
    static ServeOptions options() {
        return new ServeOptions("127.0.0.1", 0, 8, 1, 256, 1 << 20, 5, 64);
    }
}
