package dev.panamax.apps.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.apps.embed.MiniLm;
import dev.panamax.apps.embed.SentenceEmbedder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A sentence encoder (all-MiniLM-L6-v2 by default) behind {@code :embed}; sentences of concurrent requests share batches. */
final class EmbeddingModel implements ServedModel {
    private final String name, source;
    private final ServeOptions options;
    private final Batcher<List<String>, float[][]> batcher;
    private final AtomicInteger reloads = new AtomicInteger();
    private final int dimension;

    EmbeddingModel(String name, String source, ServeOptions options, ServerMetrics metrics) throws IOException {
        this.name = name;
        this.source = source;
        this.options = options;
        SentenceEmbedder e = open(source);
        this.dimension = e.dimension();
        batcher = new Batcher<>(name, runner(e), List::size, options.maxBatch(), options.maxWaitMicros(), options.queue(),
                (rows, waited) -> metrics.batch(name, rows, waited));
    }

    private static SentenceEmbedder open(String source) throws IOException {
        if (source.equalsIgnoreCase(MiniLm.NAME)) return SentenceEmbedder.miniLm();
        Path file = Path.of(source);
        return SentenceEmbedder.load(file, file.resolveSibling("tokenizer.json"));
    }

    /** One embedder run over every sentence of the batch (it sorts them by length and pads each group to its longest). */
    private static Batcher.Runner<List<String>, float[][]> runner(SentenceEmbedder e) {
        return Batcher.of(requests -> {
            List<String> all = new ArrayList<>();
            for (List<String> r : requests) all.addAll(r);
            float[][] vectors = e.embed(all);
            List<float[][]> out = new ArrayList<>(requests.size());
            int at = 0;
            for (List<String> r : requests) {
                out.add(java.util.Arrays.copyOfRange(vectors, at, at + r.size()));
                at += r.size();
            }
            return out;
        }, e::close);
    }

    @Override
    public String name() {
        return name;
    }

    /** Marks a request on its way (see {@link Batcher#arrive}). */
    Batcher.Arrival arrive() {
        return batcher.arrive();
    }

    /** Queues {@code sentences}; the future holds one unit vector per sentence. */
    CompletableFuture<float[][]> embed(List<String> sentences) {
        return batcher.submit(sentences);
    }

    @Override
    public void describe(ObjectNode m) {
        m.put("kind", "embedding").put("source", source).put("reloads", reloads.get());
        m.putArray("endpoints").add(":embed").add(":predict").add(":reload");
        ObjectNode in = m.putObject("input");
        in.put("dtype", "string");
        in.putArray("content_types").add("application/json").add("text/plain");
        ObjectNode out = m.putObject("output");
        out.put("dtype", "float32");
        out.putArray("shape").add(-1).add(dimension);
        m.put("preprocessing", "WordPiece tokenizer (tokenizer.json), mean pooling over the attention mask, L2 normalisation");
    }

    @Override
    public void warmUp() {
        embed(List.of("Warming up.", "A second, somewhat longer sentence to warm up the encoder.")).join();
    }

    @Override
    public void reload() throws IOException {
        batcher.swap(runner(open(source))).join();
        reloads.incrementAndGet();
    }

    @Override
    public int queued() {
        return batcher.queued();
    }

    @Override
    public void close() {
        batcher.close(options.drainSeconds() * 1000L);
    }
}
