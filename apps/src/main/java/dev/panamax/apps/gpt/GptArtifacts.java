package dev.panamax.apps.gpt;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.apps.gpt.GptTraining.Evaluation;
import dev.panamax.apps.gpt.GptTraining.TokenizerKind;
import dev.panamax.data.text.BpeTokenizer;
import dev.panamax.data.text.CharTokenizer;
import dev.panamax.data.text.Tokenizer;
import dev.panamax.nn.io.AtomicFiles;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.optim.Optimizer;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.nn.transformer.GptConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained GPT's folder, as {@code ./panamax train gpt} writes it:
 * <ul>
 *   <li>{@value #CONFIG}: the model's shape ({@link GptConfig}) and the tokenizer's kind;</li>
 *   <li>{@value #VOCAB}: the character vocabulary ({@link CharTokenizer#save}), for the {@code char} tokenizer
 *       only (GPT-2's comes from the cache);</li>
 *   <li>{@code model.safetensors}: the weights ({@link ModelIo}), named as {@link Gpt#weights()} names them;</li>
 *   <li>{@code optimizer.safetensors} and {@value #CHECKPOINT}: AdamW's state, the steps done and the
 *       evaluations so far, so that {@code --resume} continues where the run stopped.</li>
 * </ul>
 * The folder is written whole into a staging sibling and then renamed into place ({@link ModelIo#saveCheckpoint}),
 * so a reader finds either the previous checkpoint or the new one, never a mixture; a crash between the two renames
 * leaves the previous one aside ({@link AtomicFiles#previous}), where loading finds it.
 */
public final class GptArtifacts {
    public static final String CONFIG = "config.json", VOCAB = "vocab.json", CHECKPOINT = "checkpoint.json";
    private static final String FORMAT = "panamax-gpt";

    private GptArtifacts() {}

    /**
     * A loaded model and what it reads and writes text with.
     *
     * @param model         the GPT, built for its whole context; its weights belong to the memory scope open
     *                      when {@link #load} ran (or to the caller, who closes the model, when none was)
     * @param tokenizer     the tokenizer it was trained with
     * @param config        its shape
     * @param tokenizerKind which tokenizer that is
     */
    public record Loaded(Gpt model, Tokenizer tokenizer, GptConfig config, TokenizerKind tokenizerKind) {}

    /** What a resumed run needs besides the weights and the optimizer state, which {@link ModelIo} reads. */
    record Checkpoint(Path dir, GptConfig config, TokenizerKind tokenizerKind, Tokenizer tokenizer, int step, List<Evaluation> history) {
        /** Refuses options whose model shape differs from the checkpoint's, naming both. */
        void requireSameShape(GptTraining.Options o) {
            Path file = dir.resolve(CONFIG);
            if (o.context() > config.context()) {
                throw new IllegalArgumentException("--context " + o.context() + " is longer than the model's context " + config.context() + " (" + file + ")");
            }
            if (o.layers() != config.layers() || o.heads() != config.heads() || o.dim() != config.dim()) {
                throw new IllegalArgumentException("--resume: the model in " + dir + " has " + config.layers() + " layers, " + config.heads() + " heads and dim "
                        + config.dim() + "; the options say " + o.layers() + ", " + o.heads() + " and " + o.dim());
            }
        }
    }

    /** Loads the model folder {@code dir}; a missing or corrupt file gives an {@link IOException} naming it. */
    public static Loaded load(Path dir) throws IOException {
        Header h = readHeader(dir);
        Gpt model = new Gpt(h.config(), 0).build();
        try {
            ModelIo.loadWeights(model, dir);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new Loaded(model, h.tokenizer(), h.config(), h.kind());
    }

    /**
     * Whether {@code dir} holds a GPT as {@code ./panamax train gpt} writes it: its {@value #CONFIG} says so (a saved
     * {@code Sequential} has a config.json too, of another format). False when there is no config; a config that is
     * not JSON gives an {@link IOException} naming it.
     */
    public static boolean isGptFolder(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG);
        return Files.isRegularFile(file) && FORMAT.equals(readJson(file).path("format").asText());
    }

    /** The config, tokenizer, steps and history of the checkpoint in {@code dir}. */
    static Checkpoint readCheckpoint(Path dir) throws IOException {
        AtomicFiles.recover(dir);  // a kill between the renames of a save leaves the previous checkpoint aside
        Header h = readHeader(dir);
        Path file = dir.resolve(CHECKPOINT);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(dir.resolve(ModelIo.OPTIMIZER))) {
            throw new IOException(file + ": missing, so " + dir + " is a saved model without a training checkpoint; train without --resume");
        }
        JsonNode root = readJson(file);
        JsonNode step = root.get("step"), history = root.get("history");
        if (step == null || !step.canConvertToInt() || history == null || !history.isArray()) {
            throw new IOException(file + ": not a GPT training checkpoint (expected {\"step\": N, \"history\": [...]})");
        }
        List<Evaluation> evaluations = new ArrayList<>();
        for (JsonNode e : history) {
            if (!e.path("step").canConvertToInt() || !e.path("train_loss").isNumber() || !e.path("val_loss").isNumber()) {
                throw new IOException(file + ": history entry " + e + " needs step, train_loss and val_loss");
            }
            evaluations.add(new Evaluation(e.get("step").asInt(), e.get("train_loss").asDouble(), e.get("val_loss").asDouble()));
        }
        return new Checkpoint(dir, h.config(), h.kind(), h.tokenizer(), step.asInt(), evaluations);
    }

    /** Writes the whole folder for {@code model} after {@code step} steps; see the class comment. */
    static void save(Path dir, Gpt model, TokenizerKind kind, Tokenizer tokenizer, Optimizer optimizer, int step, List<Evaluation> history)
            throws IOException {
        ModelIo.saveCheckpoint(model, optimizer, dir, step, tmp -> {
            if (tokenizer instanceof CharTokenizer chars) chars.save(tmp.resolve(VOCAB));
            ObjectMapper json = new ObjectMapper();
            ObjectNode cp = json.createObjectNode().put("step", step);
            ArrayNode h = cp.putArray("history");
            for (Evaluation e : history) h.addObject().put("step", e.step()).put("train_loss", e.trainLoss()).put("val_loss", e.validationLoss());
            AtomicFiles.write(tmp.resolve(CHECKPOINT), json.writerWithDefaultPrettyPrinter().writeValueAsString(cp) + "\n");
            GptConfig c = model.config();
            ObjectNode config = json.createObjectNode().put("format", FORMAT).put("vocab", c.vocab()).put("context", c.context())
                    .put("layers", c.layers()).put("heads", c.heads()).put("dim", c.dim()).put("tanh_gelu", c.tanhGelu()).put("attention_dropout", c.attentionDropout()).put("tokenizer", kind.id());
            AtomicFiles.write(tmp.resolve(CONFIG), json.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
        });
    }

    private record Header(GptConfig config, TokenizerKind kind, Tokenizer tokenizer) {}

    private static Header readHeader(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such model folder (./panamax train gpt --out DIR writes DIR/model)");
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) throw new IOException(file + ": missing, so " + dir + " is not a GPT model folder");
        JsonNode root = readJson(file);
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IOException(file + ": not a Panamax GPT config (expected \"format\": \"" + FORMAT + "\")");
        }
        GptConfig config;
        TokenizerKind kind;
        try {
            for (String k : List.of("vocab", "context", "layers", "heads", "dim")) {
                if (!root.path(k).canConvertToInt()) throw new IllegalArgumentException("\"" + k + "\" must be a whole number, found " + root.get(k));
            }
            config = new GptConfig(root.get("vocab").asInt(), root.get("context").asInt(), root.get("layers").asInt(), root.get("heads").asInt(),
                    root.get("dim").asInt(), root.path("tanh_gelu").asBoolean(false), root.path("attention_dropout").asDouble(0));
            kind = TokenizerKind.of(root.path("tokenizer").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        Tokenizer tokenizer;
        if (kind == TokenizerKind.CHAR) {
            Path vocab = dir.resolve(VOCAB);
            if (!Files.isRegularFile(vocab)) throw new IOException(vocab + ": missing; the char tokenizer's vocabulary is saved there");
            try {
                tokenizer = CharTokenizer.load(vocab);
            } catch (JacksonException e) {
                throw new IOException(vocab + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
            }
        } else {
            tokenizer = BpeTokenizer.gpt2();
        }
        if (tokenizer.vocabSize() != config.vocab()) {
            throw new IOException(file + ": the model has " + config.vocab() + " tokens but its " + kind.id() + " tokenizer has " + tokenizer.vocabSize());
        }
        return new Header(config, kind, tokenizer);
    }

    private static JsonNode readJson(Path file) throws IOException {
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || !root.isObject()) throw new IOException(file + ": not a JSON object");
            return root;
        } catch (JacksonException e) {
            throw new IOException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
    }
}
