package dev.panamax.cli;

import dev.panamax.apps.gpt.GptArtifacts;
import dev.panamax.data.text.Tokenizer;
import dev.panamax.nn.transformer.GptGenerator;
import dev.panamax.nn.transformer.Sampler;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code panamax generate MODEL --prompt P}: the prompt and its continuation on stdout, each token printed as it is
 * chosen (the model reads new tokens through its key/value cache); timings on stderr.
 */
@Command(name = "generate", description = "Continue a prompt with a GPT trained by 'panamax train gpt', streaming tokens as they come.")
final class GenerateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model folder written by 'panamax train gpt' (DIR/model)")
    Path model;

    @Option(names = "--prompt", required = true, description = "The text to continue.")
    String prompt;

    @Option(names = "--tokens", converter = Ranges.Positive.class, defaultValue = "200", description = "How many tokens to generate (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature; 0 picks the most likely token (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", converter = Ranges.NonNegative.class, defaultValue = "0", description = "Sample from the k most likely tokens only; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Sample from the smallest set of tokens whose probability reaches p (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (tokens <= 0) throw new IllegalArgumentException("--tokens must be positive, got " + tokens);
        Sampler sampler = new Sampler(temperature, topK, topP, seed);  // checks its own arguments first
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (MemoryScope scope = MemoryScope.open("generate")) {
            GptArtifacts.Loaded loaded = GptArtifacts.load(model);
            int[] ids = loaded.tokenizer().encode(prompt);  // names any character the vocabulary lacks
            int context = loaded.config().context();
            if (ids.length == 0) throw new IllegalArgumentException("--prompt is empty; give at least one character");
            if (ids.length > context) {
                throw new IllegalArgumentException("the prompt has " + ids.length + " tokens but the model reads at most " + context
                        + "; shorten it");
            }
            TokenPrinter stream = new TokenPrinter(loaded.tokenizer(), out);
            out.print(prompt);
            long t0 = System.nanoTime();
            try (GptGenerator g = new GptGenerator(loaded.model())) {
                g.generate(ids, tokens, sampler, stream::accept);
            }
            stream.flush();
            out.println();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "%d tokens in %.2f s (%.1f tokens/s, first token after %.1f ms)%n", tokens, seconds,
                    tokens / seconds, stream.firstTokenMillis(t0));
        }
        return 0;
    }

    /**
     * Prints each new token's text as soon as it is whole: a byte-level tokenizer can split one character over two
     * tokens, so tokens wait until their decoded text ends in a complete character, and only those are decoded
     * (each token once, not the whole sequence per token).
     */
    private static final class TokenPrinter {
        private final Tokenizer tokenizer;
        private final PrintStream out;
        private final List<Integer> waiting = new ArrayList<>();
        private long firstAt;

        TokenPrinter(Tokenizer tokenizer, PrintStream out) {
            this.tokenizer = tokenizer;
            this.out = out;
        }

        void accept(int token) {
            if (firstAt == 0) firstAt = System.nanoTime();
            waiting.add(token);
            String text = decodeWaiting();
            if (!text.isEmpty() && text.charAt(text.length() - 1) == '\uFFFD') return;  // an unfinished character
            out.print(text);
            waiting.clear();
        }

        void flush() {
            if (!waiting.isEmpty()) out.print(decodeWaiting());
            waiting.clear();
        }

        private String decodeWaiting() {
            return tokenizer.decode(waiting.stream().mapToInt(Integer::intValue).toArray());
        }

        double firstTokenMillis(long t0) {
            return (firstAt - t0) / 1e6;
        }
    }
}
