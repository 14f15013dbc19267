package dev.panamax.nn.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Dropout;
import dev.panamax.nn.Flatten;
import dev.panamax.nn.Layer;
import dev.panamax.nn.MaxPooling2D;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.train.History;
import dev.panamax.tensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saving and loading a {@link Sequential}: {@code config.json} (the architecture: layer types and their
 * arguments, the input shape) and {@code model.safetensors} (the weights, named {@code layer.kernel},
 * {@code layer.bias}). The weights are written first and the config last, each atomically, so an existing
 * model folder is never left with a half-written file.
 */
public final class ModelIo {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelIo() {}

    public static void save(Sequential model, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        ObjectNode config = JSON.createObjectNode();
        config.put("format", "panamax-sequential");
        config.put("version", 1);
        config.put("seed", model.seed());
        ArrayNode input = config.putArray("input_shape");
        for (long d : model.inputShape()) input.add(d);
        ArrayNode layers = config.putArray("layers");
        for (Layer l : model.layers()) {
            ObjectNode n = layers.addObject();
            n.put("type", l.type());
            n.put("name", l.name());
            n.set("config", JSON.readTree(l.configJson()));
            List<String> names = l.paramNames();
            for (int i = 0; i < l.params().size(); i++) weights.put(l.name() + "." + names.get(i), l.params().get(i).value());
            for (int i = 0; i < l.buffers().size(); i++) weights.put(l.name() + "." + l.bufferNames().get(i), l.buffers().get(i));
        }
        Safetensors.write(dir.resolve(WEIGHTS), weights, Map.of("format", "pt", "producer", "panamax"));
        History.Atomic.write(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }

    /** Rebuilds the architecture from config.json and loads its weights; errors name the file and the mismatch. */
    public static Sequential load(Path dir) throws IOException {
        Path cfg = dir.resolve(CONFIG), wts = dir.resolve(WEIGHTS);
        if (!Files.exists(cfg) || !Files.exists(wts)) {
            throw new IOException(dir + " is not a saved Panamax model: it needs " + CONFIG + " and " + WEIGHTS
                    + " (written by ./panamax train or ModelIo.save)");
        }
        JsonNode config;
        try {
            config = JSON.readTree(cfg.toFile());
        } catch (IOException e) {
            throw new IOException(cfg + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!"panamax-sequential".equals(config.path("format").asText())) {
            throw new IOException(cfg + ": not a Panamax model config (format '" + config.path("format").asText() + "')");
        }
        Sequential model = new Sequential(config.path("seed").asLong(0));
        for (JsonNode n : config.path("layers")) model.add(layer(cfg, n.path("type").asText(), n.path("config")));
        long[] shape = new long[config.path("input_shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = config.path("input_shape").get(i).asLong();
        model.build(shape);
        Map<String, Tensor> weights = Safetensors.read(wts);
        try {
            for (Layer l : model.layers()) {
                List<String> names = l.paramNames();
                for (int i = 0; i < l.params().size(); i++) {
                    String key = l.name() + "." + names.get(i);
                    Var p = l.params().get(i);
                    Tensor w = weights.get(key);
                    if (w == null || !Arrays.equals(w.shape(), p.shape()) || w.dtype() != p.value().dtype()) {
                        throw new IOException(wts + ": weights do not fit the architecture in " + CONFIG + ": expected '" + key + "' "
                                + p.value().dtype() + Arrays.toString(p.shape()) + ", found "
                                + (w == null ? "no such tensor (present: " + weights.keySet() + ")" : w.dtype() + Arrays.toString(w.shape()))
                                + ". Was the weights file saved from another model?");
                    }
                    p.value().copyFrom(w);
                }
                for (int i = 0; i < l.buffers().size(); i++) {
                    String key = l.name() + "." + l.bufferNames().get(i);
                    Tensor w = weights.get(key);
                    if (w == null || !Arrays.equals(w.shape(), l.buffers().get(i).shape())) {
                        throw new IOException(wts + ": missing or misshapen state '" + key + "' for " + l.type());
                    }
                    l.buffers().get(i).copyFrom(w);
                }
            }
        } finally {
            weights.values().forEach(Tensor::close);
        }
        return model;
    }

    public static final String OPTIMIZER = "optimizer.safetensors";

    /** A restored training state: the model and the number of epochs already done. */
    public record Checkpoint(Sequential model, int epoch) {}

    /**
     * Saves a resumable checkpoint: the model, and the optimizer's state buffers, step count, learning rate and
     * the finished epoch in {@value #OPTIMIZER}.
     */
    public static void saveCheckpoint(Sequential model, Path dir, int epochsDone) throws IOException {
        save(model, dir);
        var opt = model.optimizer();
        if (opt == null) throw new IllegalStateException("saveCheckpoint: the model has no optimizer (compile it)");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", opt.getClass().getSimpleName());
        meta.put("iterations", Long.toString(opt.iterations()));
        meta.put("learning_rate", Double.toString(opt.learningRate()));
        meta.put("epoch", Integer.toString(epochsDone));
        Safetensors.write(dir.resolve(OPTIMIZER), opt.stateTensors(model.params()), meta);
    }

    /** Loads a checkpoint into a new model compiled with {@code optimizer} (same kind as the one saved). */
    public static Checkpoint resume(Path dir, dev.panamax.nn.optim.Optimizer optimizer, String loss, boolean fromLogits) throws IOException {
        Sequential model = load(dir);
        model.compile(optimizer, loss, fromLogits);
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
        return new Checkpoint(model, Integer.parseInt(meta.get("epoch")));
    }

    private static Layer layer(Path cfg, String type, JsonNode c) throws IOException {
        return switch (type) {
            case "Dense" -> new Dense(c.path("units").asInt(), c.path("activation").asText("linear"))
                    .kernelInitializer(c.path("kernel_initializer").asText("glorot_uniform")).biasInitializer(c.path("bias_initializer").asText("zeros"));
            case "Conv2D" -> new Conv2D(c.path("filters").asInt(), c.path("kernel_size").path(0).asInt(), c.path("kernel_size").path(1).asInt(),
                    c.path("strides").asInt(1), c.path("padding").asText("valid"), c.path("dilation_rate").asInt(1),
                    c.path("activation").asText("linear"))
                    .kernelInitializer(c.path("kernel_initializer").asText("glorot_uniform")).biasInitializer(c.path("bias_initializer").asText("zeros"));
            case "MaxPooling2D", "AveragePooling2D" -> new MaxPooling2D(c.path("pool_size").asInt(), c.path("strides").asInt(),
                    c.path("padding").asText("valid"), c.path("average").asBoolean(false));
            case "Flatten" -> new Flatten();
            case "Activation" -> new dev.panamax.nn.Activation(c.path("activation").asText());
            case "Reshape" -> {
                long[] t = new long[c.path("target_shape").size()];
                for (int i = 0; i < t.length; i++) t[i] = c.path("target_shape").get(i).asLong();
                yield new dev.panamax.nn.Reshape(t);
            }
            case "GlobalAveragePooling2D" -> new dev.panamax.nn.GlobalAveragePooling2D();
            case "Embedding" -> new dev.panamax.nn.Embedding(c.path("input_dim").asInt(), c.path("output_dim").asInt());
            case "LayerNormalization" -> new dev.panamax.nn.LayerNormalization(c.path("epsilon").asDouble(1e-3));
            case "BatchNormalization" -> new dev.panamax.nn.BatchNormalization(c.path("momentum").asDouble(0.99), c.path("epsilon").asDouble(1e-3));
            case "Dropout" -> new Dropout(c.path("rate").asDouble());
            default -> throw new IOException(cfg + ": unknown layer type '" + type + "'");
        };
    }
}
