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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Saving and loading models. Every model's weights go to {@code model.safetensors}, named as
 * {@link Model#weights()} names them ({@code layer.kernel}, {@code layer.bias}…). A {@link Sequential}'s
 * architecture goes to {@code config.json} beside them, so {@link #load} rebuilds it from the folder alone;
 * any other model (a {@code FunctionalModel}, a user's own) is code, so it is rebuilt with that code and its
 * weights read back with {@link #loadWeights}. A save writes the whole folder beside its place and then renames
 * it there, so a model folder always holds one complete save, whatever moment a crash or a kill comes.
 *
 * <p>Export to ONNX is {@code OnnxExporter.export(model, path)} in the onnx module (which depends on this one, so
 * it cannot be a method here): a {@link Sequential} of the layers the MNIST CNN and its relatives use, or a
 * {@code Gpt}; {@code ./panamax export MODEL_DIR model.onnx} runs it on a saved model folder.
 */
public final class ModelIo {
    /** The architecture file of a saved {@link Sequential} (Keras-style JSON). */
    public static final String CONFIG = "config.json";
    /** The weights file of every saved model (safetensors, PyTorch's names). */
    public static final String WEIGHTS = "model.safetensors";
    /** The optimizer state file of a training checkpoint (safetensors). */
    public static final String OPTIMIZER = "optimizer.safetensors";

    private ModelIo() {}

    /**
     * Writes {@code model}'s weights to {@code dir}, and its architecture too when it is a {@link Sequential}. The
     * folder is written whole and then put in place ({@link AtomicFiles#writeFolder}): it replaces an earlier
     * saved model there, and a crash at any moment leaves the earlier model or the new one, never a mixture.
     *
     * @param model the model, built (its weights exist)
     * @param dir   the model folder: absent, empty, or an earlier saved model
     * @throws IOException when the folder holds other files or cannot be written (the earlier save stays)
     * @throws IllegalStateException when the model is not built
     */
    public static void save(Model model, Path dir) throws IOException {
        requireBuilt(model);
        AtomicFiles.writeFolder(replaceable(dir), staging -> writeModel(model, staging));
    }

    private static void requireBuilt(Model model) {
        if (model.inputShape() == null) throw new IllegalStateException("save: the model is not built, so it has no weights yet");
    }

    private static void writeModel(Model model, Path dir) throws IOException {
        Safetensors.write(dir.resolve(WEIGHTS), model.weights(), Map.of("format", "pt", "producer", "panamax"));
        if (model instanceof Sequential s) AtomicFiles.write(dir.resolve(CONFIG), SequentialConfig.write(s));
    }

    /** {@code dir}, when a save may replace it: absent, empty, or a saved model (never a folder of other files). */
    private static Path replaceable(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IOException(dir + " is a file; save the model into a folder");
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve(WEIGHTS))) return dir;
        try (Stream<Path> files = Files.list(dir)) {
            List<String> other = files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().limit(3).toList();
            if (!other.isEmpty()) {
                throw new IOException(dir + " holds files that are not a saved model (" + String.join(", ", other)
                        + "); a save replaces its folder whole, so save into a new or empty folder");
            }
        }
        return dir;
    }

    /**
     * The folder a model is read from: {@code dir}, or its previous version when a save was killed between its two
     * renames; a staging folder (a save that did not finish) is refused.
     */
    private static Path savedFolder(Path dir) throws IOException {
        if (AtomicFiles.isStaging(dir)) {
            throw new IOException(dir + " is the staging folder of a save that did not finish; load the folder it was saving (beside it) instead");
        }
        return AtomicFiles.readable(dir);
    }

    /**
     * Rebuilds a {@link Sequential} from config.json and loads its weights; errors name the file and the mismatch.
     *
     * @param saved a folder {@link #save} wrote
     * @return the model with its weights (mapped from the file, not copied where possible)
     * @throws IOException when the folder is not a saved Sequential, or its weights do not fit its architecture
     */
    public static Sequential load(Path saved) throws IOException {
        Path dir = savedFolder(saved);
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
     *
     * @param model the model, built from the same code and input shape
     * @param dir   a folder {@link #save} wrote
     * @throws IOException when the folder has no weights file or a weight is missing or of another shape or type
     * @throws IllegalStateException when the model is not built
     */
    public static void loadWeights(Model model, Path dir) throws IOException {
        if (model.inputShape() == null) {
            throw new IllegalStateException("loadWeights: build the model first, with the code and input shape it was saved with");
        }
        Path wts = savedFolder(dir).resolve(WEIGHTS);
        if (!Files.exists(wts)) throw new IOException(dir + " has no " + WEIGHTS + " (written by ModelIo.save)");
        copyWeights(wts, model, "the model");
    }

    /**
     * Reads the weights file into {@code model}'s tensors: each becomes a view of the memory-mapped file (no copy;
     * pages are read when first used and written copy-on-write), or is copied into when it cannot (see
     * {@link Tensor#shareMemoryOf}). The mapping is released when the last weight viewing it is closed.
     */
    private static void copyWeights(Path wts, Model model, String what) throws IOException {
        Map<String, Tensor> weights = model.weights();
        Map<String, Tensor> saved = Safetensors.read(wts, weights.isEmpty() ? null : weights.values().iterator().next());
        try {
            for (Map.Entry<String, Tensor> e : weights.entrySet()) {
                String key = e.getKey();
                Tensor into = e.getValue(), w = saved.get(key);
                if (w == null || !Arrays.equals(w.shape(), into.shape()) || w.dtype() != into.dtype()) {
                    throw new IOException(wts + ": weights do not fit " + what + ": expected '" + key + "' " + into.dtype()
                            + Arrays.toString(into.shape()) + ", found "
                            + (w == null ? "no such tensor (present: " + saved.keySet() + ")" : w.dtype() + Arrays.toString(w.shape()))
                            + ". Was the weights file saved from another model?");
                }
                if (!into.shareMemoryOf(w)) into.copyFrom(w);
            }
        } finally {
            saved.values().forEach(Tensor::close);
        }
    }

    /**
     * A restored training state: the model and the number of epochs already done.
     *
     * @param model the restored model
     * @param epoch the number of epochs already done
     */
    public record Checkpoint(Sequential model, int epoch) {}

    /**
     * Saves a resumable checkpoint: the model as {@link #save} does, and {@code optimizer}'s state buffers, step
     * count and learning rate with the finished epoch in {@value #OPTIMIZER}; written whole, as {@link #save}.
     *
     * @param model      the model, built (its weights exist)
     * @param optimizer  the optimizer whose state to save
     * @param dir        the checkpoint folder: absent, empty, or an earlier checkpoint
     * @param epochsDone the number of finished epochs, where a resumed run starts
     * @throws IOException when the folder cannot be written (the earlier checkpoint stays)
     * @throws IllegalStateException when the model is not built
     */
    public static void saveCheckpoint(Model model, Optimizer optimizer, Path dir, int epochsDone) throws IOException {
        saveCheckpoint(model, optimizer, dir, epochsDone, staging -> { });
    }

    /**
     * {@link #saveCheckpoint(Model, Optimizer, Path, int)} with more files of the caller's (a training run's
     * settings, its history…) written by {@code more} into the same folder before it is put in place.
     *
     * @param model      the model, built (its weights exist)
     * @param optimizer  the optimizer whose state to save
     * @param dir        the checkpoint folder: absent, empty, or an earlier checkpoint
     * @param epochsDone the number of finished epochs
     * @param more       writes the caller's extra files into the staging folder
     * @throws IOException when the folder cannot be written or {@code more} fails (the earlier checkpoint stays)
     * @throws IllegalStateException when the model is not built
     */
    public static void saveCheckpoint(Model model, Optimizer optimizer, Path dir, int epochsDone, AtomicFiles.FolderWriter more) throws IOException {
        requireBuilt(model);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", optimizer.getClass().getSimpleName());
        meta.put("iterations", Long.toString(optimizer.iterations()));
        meta.put("learning_rate", Double.toString(optimizer.learningRate()));
        meta.put("epoch", Integer.toString(epochsDone));
        AtomicFiles.writeFolder(replaceable(dir), staging -> {
            writeModel(model, staging);
            Safetensors.write(staging.resolve(OPTIMIZER), optimizer.stateTensors(model.params()), meta);
            more.writeInto(staging);
        });
    }

    /**
     * Loads a checkpoint of a {@link Sequential}, restoring {@code optimizer} (of the kind saved) to where it was.
     *
     * @param dir       a folder {@link #saveCheckpoint} wrote
     * @param optimizer a fresh optimizer of the kind saved; its state is overwritten
     * @return the model and the number of epochs done
     * @throws IOException when the folder is not a checkpoint of a Sequential, or the optimizer is of another kind
     */
    public static Checkpoint resume(Path dir, Optimizer optimizer) throws IOException {
        Sequential model = load(dir);
        return new Checkpoint(model, restoreOptimizer(model, dir, optimizer));
    }

    /**
     * Loads a checkpoint into {@code model} (built from the same code, as for {@link #loadWeights}) and
     * {@code optimizer}; returns the number of epochs already done.
     *
     * @param model     the model, built from the same code and input shape
     * @param dir       a folder {@link #saveCheckpoint} wrote
     * @param optimizer a fresh optimizer of the kind saved; its state is overwritten
     * @return the number of epochs already done
     * @throws IOException when the folder is not a checkpoint or its contents do not fit
     */
    public static int resumeInto(Model model, Path dir, Optimizer optimizer) throws IOException {
        loadWeights(model, dir);
        return restoreOptimizer(model, dir, optimizer);
    }

    private static int restoreOptimizer(Model model, Path dir, Optimizer optimizer) throws IOException {
        Path f = savedFolder(dir).resolve(OPTIMIZER);
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
