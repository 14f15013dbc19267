package dev.panamax.apps.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.apps.gpt.GptArtifacts;
import dev.panamax.data.text.Tokenizer;
import dev.panamax.nn.transformer.GptGenerator;
import dev.panamax.nn.transformer.Sampler;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A GPT folder from {@code panamax train gpt} behind {@code :generate}. Generations run one at a time on the
 * model's worker (a key/value cache serves one sequence), queued like any batch; tokens stream to the caller as
 * they are chosen.
 */
final class GptModel implements ServedModel {
    /** One generation: the prompt's ids, how many tokens, how to choose them, where each goes. */
    record Job(int[] prompt, int tokens, Sampler sampler, IntConsumer onToken) {}

    private final String name;
    private final Path dir;
    private final ServeOptions options;
    private final Batcher<Job, int[]> batcher;
    private final AtomicInteger reloads = new AtomicInteger();
    private volatile Tokenizer tokenizer;
    private volatile int context, vocab;

    GptModel(String name, Path dir, ServeOptions options, ServerMetrics metrics) throws IOException {
        this.name = name;
        this.dir = dir;
        this.options = options;
        batcher = new Batcher<>(name, load(), job -> 1, 1, 0, options.queue(), (rows, waited) -> metrics.batch(name, rows, waited));
    }

    private Batcher.Runner<Job, int[]> load() throws IOException {
        if (MemoryScope.current() != null) throw new IllegalStateException("load the served model with no memory scope open");
        GptArtifacts.Loaded loaded = GptArtifacts.load(dir);
        GptGenerator generator = new GptGenerator(loaded.model());
        tokenizer = loaded.tokenizer();
        context = loaded.config().context();
        vocab = loaded.config().vocab();
        return Batcher.of(jobs -> {
            Job j = jobs.getFirst();  // batches of one
            int[] seq = generator.generate(j.prompt(), j.tokens(), j.sampler(), j.onToken());
            return List.of(java.util.Arrays.copyOfRange(seq, j.prompt().length, seq.length));
        }, () -> {
            generator.close();
            loaded.model().close();
        });
    }

    @Override
    public String name() {
        return name;
    }

    /** The tokenizer requests are encoded with. */
    Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The longest prompt, in tokens. */
    int context() {
        return context;
    }

    /** Queues a generation; the future holds the new tokens' ids. */
    CompletableFuture<int[]> generate(Job job) {
        return batcher.submit(job);
    }

    @Override
    public void describe(ObjectNode m) {
        m.put("kind", "gpt").put("source", dir.toString()).put("reloads", reloads.get());
        m.putArray("endpoints").add(":generate").add(":reload");
        ObjectNode in = m.putObject("input");
        in.put("dtype", "string").put("context", context);
        in.putArray("content_types").add("application/json").add("text/plain");
        ObjectNode out = m.putObject("output");
        out.put("dtype", "string").put("vocab", vocab);
        m.put("preprocessing", "the model's own tokenizer; JSON {\"prompt\", \"max_tokens\", \"temperature\", \"top_k\", \"top_p\", \"seed\", \"stream\"};"
                + " server-sent events when streaming");
    }

    @Override
    public void warmUp() {
        int[] prompt = {0};
        generate(new Job(prompt, Math.min(8, context), new Sampler(0, 0, 1, 0), t -> { })).join();
    }

    @Override
    public void reload() throws IOException {
        batcher.swap(load()).join();
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
