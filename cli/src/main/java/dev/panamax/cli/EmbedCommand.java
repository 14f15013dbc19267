package dev.panamax.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.apps.embed.EmbeddingFile;
import dev.panamax.apps.embed.MiniLm;
import dev.panamax.apps.embed.SentenceEmbedder;
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
 * {@code panamax embed}: sentence embeddings from a pretrained encoder (all-MiniLM-L6-v2 by default), printed one
 * sentence a line, as JSON lines, or written to an Arrow IPC file.
 */
@Command(name = "embed", description = {"Sentence embeddings from a pretrained encoder (mean pooling, L2-normalised, as sentence-transformers).",
        "Prints one line per sentence: the sentence, a tab, the vector's values separated by spaces."})
final class EmbedCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Sentences to embed.")
    List<String> sentences = new ArrayList<>();

    @Option(names = "--model", defaultValue = MiniLm.NAME, description = "all-minilm-l6-v2 (default) or PATH.onnx with tokenizer.json beside it.")
    String model;

    @Option(names = "--file", description = "A UTF-8 file with one sentence a line (exactly as written, whitespace included).")
    Path file;

    @Option(names = "--json", description = "One JSON object per line: {\"text\": ..., \"embedding\": [...]}, in input order.")
    boolean json;

    @Option(names = "--out", description = "Write an Arrow IPC file (columns text, embedding) instead of printing.")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> texts = new ArrayList<>(sentences);
        if (file != null) texts.addAll(EmbedModels.lines(file));
        if (texts.isEmpty()) throw new IllegalArgumentException("nothing to embed: give sentences as arguments or --file FILE");
        long t0 = System.nanoTime();
        float[][] vectors;
        try (SentenceEmbedder embedder = EmbedModels.open(model)) {
            vectors = embedder.embed(texts);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (out != null) {
            EmbeddingFile.write(out, texts, vectors);
            System.err.printf(Locale.ROOT, "Wrote %d embeddings (%d wide) to %s%n", texts.size(), vectors[0].length, out);
        } else {
            PrintStream o = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            ObjectMapper mapper = new ObjectMapper();
            for (int i = 0; i < texts.size(); i++) {
                if (json) {
                    ObjectNode n = mapper.createObjectNode();
                    n.put("text", texts.get(i));
                    var arr = n.putArray("embedding");
                    for (float v : vectors[i]) arr.add(v);
                    o.println(mapper.writeValueAsString(n));
                } else {
                    StringBuilder b = new StringBuilder(texts.get(i)).append('\t');
                    for (int j = 0; j < vectors[i].length; j++) b.append(j == 0 ? "" : " ").append(vectors[i][j]);
                    o.println(b);
                }
            }
            o.flush();
        }
        System.err.printf(Locale.ROOT, "%d sentence(s) in %.2f s (model load included)%n", texts.size(), seconds);
        return 0;
    }
}
