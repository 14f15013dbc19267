package dev.panamax.nn.io;

import dev.panamax.nn.Model;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.optim.Optimizer;
import dev.panamax.tensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saving and loading models. Every model's weights go to {@code model.safetensors}, named as
 * {@link Model#weights()} names them ({@code layer.kernel}, {@code layer.bias}…). A {@link Sequential}'s
 * architecture goes to {@code config.json} beside them, so {@link #load} rebuilds it from the folder alone;
 * any other model (a {@code FunctionalModel}, a user's own) is code, so it is rebuilt with that code and its
 * weights read back with {@link #loadWeights}. The weights are written first and the config last, each
 * atomically, so an existing model folder is never left with a half-written file.
 *
 * <p>Export to ONNX is {@code OnnxExporter.export(model, path)} in the onnx module (which depends on this one, so
 * it cannot be a method here): a {@link Sequential} of the layers the MNIST CNN and its relatives use, or a
 * {@code Gpt}; {@code ./panamax export MODEL_DIR model.onnx} runs it on a saved model folder.
 */
public final class ModelIo {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";

    private ModelIo() {}

    /** Writes {@code model}'s weights to {@code dir}, and its architecture too when it is a {@link Sequential}. */
    public static void save(Model model, Path dir) throws IOException {
        if (model.inputShape() == null) throw new IllegalStateException("save: the model is not built, so it has no weights yet");
        Files.createDirectories(dir);
        // A config left from an earlier save would describe another model than these weights.
        if (!(model instanceof Sequential)) Files.deleteIfExists(dir.resolve(CONFIG));
        Safetensors.write(dir.resolve(WEIGHTS), model.weights(), Map.of("format", "pt", "producer", "panamax"));
        if (model instanceof Sequential s) AtomicFiles.write(dir.resolve(CONFIG), SequentialConfig.write(s));
    }

    /** Rebuilds a {@link Sequential} from config.json and loads its weights; errors name the file and the mismatch. */
    public static Sequential load(Path dir) throws IOException {
        Path cfg = dir.resolve(CONFIG), wts = dir.resolve(WEIGHTS);
        if (Files.exists(wts) && !Files.exists(cfg)) {
            throw new IOException(dir + " holds the weights of a model defined in code (no " + CONFIG + "): build the model with"
                    + " the same code and read them with ModelIo.loadWeights(model, dir)");
        }
        if (!Files.exists(cfg) || !Files.exists(wts)) {
            throw new IOException(dir + " is not a saved Panamax model: it needs " + CONFIG + " and " + WEIGHTS
                    + " (written by ./panamax train or ModelIo.save)");
        }
        Sequential model = SequentialConfig.read(cfg);
        copyWeights(wts, model, "the architecture in " + CONFIG);
        return model;
    }

    /**
     * Reads the weights saved from a model of the same code into {@code model}, which must be built (with the
     * input shape it had when saved). Works for every kind of model; the way to load a {@code FunctionalModel}.
     */
    public static void loadWeights(Model model, Path dir) throws IOException {
        if (model.inputShape() == null) {
            throw new IllegalStateException("loadWeights: build the model first, with the code and input shape it was saved with");
        }
        Path wts = dir.resolve(WEIGHTS);
        if (!Files.exists(wts)) throw new IOException(dir + " has no " + WEIGHTS + " (written by ModelIo.save)");
        copyWeights(wts, model, "the model");
    }

    private static void copyWeights(Path wts, Model model, String what) throws IOException {
        Map<String, Tensor> saved = Safetensors.read(wts);
        try {
            for (Map.Entry<String, Tensor> e : model.weights().entrySet()) {
                String key = e.getKey();
                Tensor into = e.getValue(), w = saved.get(key);
                if (w == null || !Arrays.equals(w.shape(), into.shape()) || w.dtype() != into.dtype()) {
                    throw new IOException(wts + ": weights do not fit " + what + ": expected '" + key + "' " + into.dtype()
                            + Arrays.toString(into.shape()) + ", found "
                            + (w == null ? "no such tensor (present: " + saved.keySet() + ")" : w.dtype() + Arrays.toString(w.shape()))
                            + ". Was the weights file saved from another model?");
                }
                into.copyFrom(w);
            }
        } finally {
            saved.values().forEach(Tensor::close);
        }
    }

    /** A restored training state: the model and the number of epochs already done. */
    public record Checkpoint(Sequential model, int epoch) {}

    /**
     * Saves a resumable checkpoint: the model as {@link #save} does, and {@code optimizer}'s state buffers, step
     * count and learning rate with the finished epoch in {@value #OPTIMIZER}.
     */
    public static void saveCheckpoint(Model model, Optimizer optimizer, Path dir, int epochsDone) throws IOException {
        save(model, dir);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", optimizer.getClass().getSimpleName());
        meta.put("iterations", Long.toString(optimizer.iterations()));
        meta.put("learning_rate", Double.toString(optimizer.learningRate()));
        meta.put("epoch", Integer.toString(epochsDone));
        Safetensors.write(dir.resolve(OPTIMIZER), optimizer.stateTensors(model.params()), meta);
    }

    /** Loads a checkpoint of a {@link Sequential}, restoring {@code optimizer} (of the kind saved) to where it was. */
    public static Checkpoint resume(Path dir, Optimizer optimizer) throws IOException {
        Sequential model = load(dir);
        return new Checkpoint(model, restoreOptimizer(model, dir, optimizer));
    }

    /**
     * Loads a checkpoint into {@code model} (built from the same code, as for {@link #loadWeights}) and
     * {@code optimizer}; returns the number of epochs already done.
     */
    public static int resumeInto(Model model, Path dir, Optimizer optimizer) throws IOException {
        loadWeights(model, dir);
        return restoreOptimizer(model, dir, optimizer);
    }

    private static int restoreOptimizer(Model model, Path dir, Optimizer optimizer) throws IOException {
        Path f = dir.resolve(OPTIMIZER);
        if (!Files.exists(f)) throw new IOException(dir + " has no " + OPTIMIZER + ": it is a saved model, not a training checkpoint");
        Map<String, String> meta = Safetensors.metadata(f);
        if (!optimizer.getClass().getSimpleName().equals(meta.get("optimizer"))) {
            throw new IOException(f + ": saved from " + meta.get("optimizer") + ", cannot resume with " + optimizer.getClass().getSimpleName());
        }
        Map<String, Tensor> state = Safetensors.read(f);
        try {
            optimizer.restore(model.params(), state, Long.parseLong(meta.get("iterations")));
        } finally {
            state.values().forEach(Tensor::close);
        }
        optimizer.setLearningRate(Double.parseDouble(meta.get("learning_rate")));
        return Integer.parseInt(meta.get("epoch"));
    }
}
