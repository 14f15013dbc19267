package dev.panamax.bench.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.data.text.Corpora;
import dev.panamax.nn.Layer;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.Safetensors;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.nn.transformer.GptConfig;
import dev.panamax.tensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What both sides of a comparison read: the models' initial weights, exported once from Panamax in safetensors
 * (tensors in layer order, Keras layouts), {@code data.json} naming the MNIST IDX files, and the GPT's token
 * batches and prompt ({@code gpt_tokens.safetensors}).
 */
public final class CompareInputs {
    static final long SEED = 42;
    static final String CNN = "cnn.safetensors";
    static final String MLP = "mlp.safetensors";
    static final String DATA = "data.json";
    static final String GPT = "gpt.safetensors";
    static final String GPT_TOKENS = "gpt_tokens.safetensors";
    static final String GPT_TRAINED = "gpt_trained.safetensors";
    /** The text both sides train on in gpt-val-loss. */
    static final String GPT_CORPUS = "gpt_corpus.txt";
    /** nanoGPT's CPU configuration on Shakespeare-char: vocabulary 65, context 64, 4 blocks of 4 heads, width 128. */
    static final GptConfig GPT_CONFIG = new GptConfig(65, 64, 4, 4, 128, false);
    /** nanoGPT's CPU batch size, the distinct batches the GPT rows cycle through, and the generation prompt's length. */
    static final int GPT_BATCH = 12, GPT_BATCHES = 64, GPT_PROMPT = 8;
    private static final List<String> SPLITS = List.of("train", "test");

    private CompareInputs() {}

    /**
     * Writes the weights and {@code data.json} into {@code dir}; {@code mnistDir} is a folder of MNIST IDX files,
     * or null when no workload reads data (the GEMMs).
     */
    public static void write(Path dir, Path mnistDir) throws IOException {
        Files.createDirectories(dir);
        try (Sequential cnn = Models.tutorialCnn(SEED, 10).build(28, 28, 1); Sequential mlp = PanamaxWorker.mlp().build(28, 28, 1)) {
            Safetensors.write(dir.resolve(CNN), weights(cnn), Map.of("producer", "panamax compare"));
            Safetensors.write(dir.resolve(MLP), weights(mlp), Map.of("producer", "panamax compare"));
        }
        try (Gpt gpt = new Gpt(GPT_CONFIG, SEED).build()) {
            Safetensors.write(dir.resolve(GPT), gpt.weights(), Map.of("producer", "panamax compare"));
        }
        writeGptTokens(dir.resolve(GPT_TOKENS), GPT_CONFIG.vocab(), GPT_CONFIG.context(), GPT_BATCH, GPT_BATCHES, GPT_PROMPT);
        Map<String, String> files = new LinkedHashMap<>();
        for (String split : mnistDir == null ? List.<String>of() : SPLITS) {
            String prefix = split.equals("train") ? "train" : "t10k";
            files.put(split + "_images", Mnist.file(mnistDir, prefix + "-images-idx3-ubyte").toAbsolutePath().toString());
            files.put(split + "_labels", Mnist.file(mnistDir, prefix + "-labels-idx1-ubyte").toAbsolutePath().toString());
        }
        Files.writeString(dir.resolve(DATA), new ObjectMapper().writeValueAsString(files));
    }

    private static Map<String, Tensor> weights(Sequential model) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Layer l : model.layers()) {
            for (int i = 0; i < l.params().size(); i++) w.put(l.name() + "." + l.paramNames().get(i), l.params().get(i).value());
        }
        return w;
    }

    /** Copies the English corpus of {@code train gpt} (fetched into the cache on first use) for gpt-val-loss. */
    public static void writeCorpus(Path dir) throws IOException {
        Files.copy(Corpora.locate(Corpora.ENGLISH), dir.resolve(GPT_CORPUS), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Trains the exported GPT for {@code steps} steps (the gpt-train step, on the same batches) and writes the
     * result as {@code gpt_trained.safetensors}, the weights gpt-generate reads: a freshly initialised GPT's logits
     * hardly depend on its input, and greedy decoding repeats one token, which would make equal token ids a weak
     * check. Call after {@link #write}.
     */
    public static void writeTrainedGpt(Path dir, int steps) throws IOException {
        try (Gpt gpt = PanamaxWorker.gpt(dir, GPT)) {
            PanamaxWorker.trainGpt(gpt, dir, 0, steps);
            Safetensors.write(dir.resolve(GPT_TRAINED), gpt.weights(), Map.of("producer", "panamax compare", "trained_steps", Integer.toString(steps)));
        }
    }

    /**
     * Seeded token data for the GPT rows: {@code batches (K, B, T + 1)} I32, each row a sequence whose inputs are
     * its first T tokens and whose targets are its last T (nanoGPT's {@code get_batch}), and {@code prompt (P)}.
     * The sequences come from a random first-order Markov chain (each token has four likely successors, else any
     * token), so the loss falls from ln V as the model learns and the two sides' loss curves can be compared.
     */
    static void writeGptTokens(Path file, int vocab, int context, int batch, int batches, int prompt) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        int[][] next = new int[vocab][4];
        for (int[] row : next) {
            for (int j = 0; j < row.length; j++) row[j] = random.nextInt(vocab);
        }
        int row = context + 1;
        int[] ids = new int[batches * batch * row];
        for (int s = 0; s < batches * batch; s++) markov(random, next, ids, s * row, row);
        int[] p = new int[prompt];
        markov(random, next, p, 0, prompt);
        try (Tensor b = Tensor.of(ids, batches, batch, row); Tensor pt = Tensor.of(p, prompt)) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("batches", b);
            t.put("prompt", pt);
            Safetensors.write(file, t, Map.of("producer", "panamax compare"));
        }
    }

    private static void markov(SplittableRandom random, int[][] next, int[] out, int from, int n) {
        int t = random.nextInt(next.length);
        for (int i = 0; i < n; i++) {
            out[from + i] = t;
            t = random.nextDouble() < 0.8 ? next[t][random.nextInt(next[t].length)] : random.nextInt(next.length);
        }
    }

    /** The MNIST split ({@code train} or {@code test}) named in {@code data.json}, scaled to [0, 1]. */
    static Dataset mnist(Path inputs, String split) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, String> files = new ObjectMapper().readValue(inputs.resolve(DATA).toFile(), Map.class);
        return Dataset.readIdx(Path.of(files.get(split + "_images")), Path.of(files.get(split + "_labels")), 0);
    }
}
