package dev.panamax.apps.embed;

import dev.panamax.data.text.BatchEncoding;
import dev.panamax.data.text.Padding;
import dev.panamax.data.text.WordPieceTokenizer;
import dev.panamax.onnx.OnnxModel;
import dev.panamax.onnx.graph.ValueInfo;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Sentence embeddings as sentence-transformers computes them: WordPiece ids → a BERT encoder (an imported ONNX
 * graph) → the mean of the token vectors over the attention mask → L2 normalisation. Sentences are batched by
 * length (so little padding is computed) and the results come back in input order. Thread-safe.
 */
public final class SentenceEmbedder implements AutoCloseable {
    /** Sentences per forward pass. */
    public static final int BATCH = 32;

    private final OnnxModel model;
    private final WordPieceTokenizer tokenizer;
    private final boolean typeIds;

    private SentenceEmbedder(OnnxModel model, WordPieceTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        List<String> names = model.inputs().stream().map(ValueInfo::name).toList();
        if (!names.contains("input_ids") || !names.contains("attention_mask")) {
            model.close();
            throw new IllegalArgumentException("the model's inputs are " + names + "; a sentence encoder needs input_ids and attention_mask"
                    + " (and may take token_type_ids)");
        }
        this.typeIds = names.contains("token_type_ids");
    }

    /** all-MiniLM-L6-v2 from its Maven artifact (see {@link MiniLm}). */
    public static SentenceEmbedder miniLm() throws IOException {
        MiniLm.ModelFiles f = MiniLm.files();
        return load(f.model(), f.tokenizer());
    }

    /** A BERT-style encoder from an ONNX file and its Hugging Face {@code tokenizer.json}. */
    public static SentenceEmbedder load(Path onnx, Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("no tokenizer at " + tokenizerJson + "; put the model's tokenizer.json beside it");
        }
        // Pad each batch to its longest sentence, whatever the json says (MiniLM's asks for 128 always): the mask
        // makes the results the same, and short sentences cost a fraction of the work.
        WordPieceTokenizer tok = WordPieceTokenizer.load(tokenizerJson).withPadding(Padding.LONGEST);
        return new SentenceEmbedder(OnnxModel.load(onnx), tok);
    }

    /** The tokenizer (for token counts and truncation checks). */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** The embeddings of {@code sentences}, in order, each of unit length. */
    public float[][] embed(List<String> sentences) {
        return embed(sentences, done -> { });
    }

    /** {@link #embed(List)}, reporting the number of sentences done after each batch. */
    public float[][] embed(List<String> sentences, IntConsumer progress) {
        float[][] out = new float[sentences.size()][];
        Map<String, Integer> lengths = new HashMap<>();
        for (String s : sentences) lengths.computeIfAbsent(s, t -> tokenizer.encode(t).length());
        Integer[] order = IntStream.range(0, sentences.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> lengths.get(sentences.get(i))));
        int done = 0;
        for (int start = 0; start < order.length; start += BATCH) {
            List<String> batch = new ArrayList<>();
            int end = Math.min(order.length, start + BATCH);
            for (int i = start; i < end; i++) batch.add(sentences.get(order[i]));
            float[][] vectors = embedBatch(batch);
            for (int i = start; i < end; i++) out[order[i]] = vectors[i - start];
            done += batch.size();
            progress.accept(done);
        }
        return out;
    }

    /** One forward pass over {@code batch} (at most a few dozen sentences: they are padded to the longest). */
    public float[][] embedBatch(List<String> batch) {
        BatchEncoding enc = tokenizer.encodeBatch(batch);
        int b = enc.size(), t = enc.length();
        try (MemoryScope scope = MemoryScope.open("embed")) {
            Tensor mask = Tensor.of(enc.attentionMask(), b, t);
            Map<String, Tensor> in = new HashMap<>();
            in.put("input_ids", Tensor.of(enc.ids(), b, t));
            in.put("attention_mask", mask);
            if (typeIds) in.put("token_type_ids", Tensor.of(enc.typeIds(), b, t));
            Tensor hidden = model.run(in).values().iterator().next();
            Tensor pooled = hidden.rank() == 3 ? meanPool(hidden, mask) : hidden;
            Tensor unit = normalize(pooled);
            float[] flat = unit.toFloatArray();
            int h = (int) unit.dim(1);
            float[][] out = new float[b][];
            for (int i = 0; i < b; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * h, (i + 1) * h);
            return out;
        }
    }

    /** The mean of {@code hidden (B, T, H)} over the positions where {@code mask (B, T)} is 1. */
    static Tensor meanPool(Tensor hidden, Tensor mask) {
        Tensor m = mask.to(DType.F32).reshape(mask.dim(0), mask.dim(1), 1);
        Tensor sum = hidden.mul(m).sum(new int[] {1}, false);                  // (B, H)
        Tensor count = m.sum(new int[] {1}, false).maximum(1e-9);              // (B, 1): sentence-transformers' clamp
        return sum.div(count);
    }

    /** Each row divided by its L2 norm (at least 1e-12, as torch.nn.functional.normalize). */
    static Tensor normalize(Tensor x) {
        Tensor norm = x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12);
        return x.div(norm);
    }

    /** The embedding width. */
    public int dimension() {
        ValueInfo out = model.outputs().getFirst();
        return out.shape() == null ? -1 : (int) out.shape()[out.shape().length - 1];
    }

    @Override
    public void close() {
        model.close();
    }
}
