package dev.panamax.nn.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.nn.Activation;
import dev.panamax.nn.BatchNormalization;
import dev.panamax.nn.Conv1D;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Conv2DTranspose;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Dropout;
import dev.panamax.nn.Embedding;
import dev.panamax.nn.Flatten;
import dev.panamax.nn.GRU;
import dev.panamax.nn.GlobalAveragePooling2D;
import dev.panamax.nn.LSTM;
import dev.panamax.nn.Layer;
import dev.panamax.nn.LayerNormalization;
import dev.panamax.nn.LeakyReLU;
import dev.panamax.nn.MaxPooling2D;
import dev.panamax.nn.Preprocessing;
import dev.panamax.nn.Reshape;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.UpSampling2D;
import dev.panamax.tensors.internal.OneLine;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link Sequential}'s architecture as {@code config.json}: the format tag, the seed, the input shape and
 * each layer's type, name and constructor arguments.
 */
final class SequentialConfig {
    private static final String FORMAT = "panamax-sequential";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SequentialConfig() {}

    static String write(Sequential model) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("format", FORMAT);
        config.put("version", 1);
        config.put("seed", model.seed());
        ArrayNode input = config.putArray("input_shape");
        for (long d : model.inputShape()) input.add(d);
        if (!model.preprocessing().equals(Preprocessing.NONE)) {
            ObjectNode p = config.putObject("preprocessing");
            p.put("scale", model.preprocessing().scale());
            p.put("offset", model.preprocessing().offset());
            p.put("layout", model.preprocessing().layout());
        }
        ArrayNode layers = config.putArray("layers");
        for (Layer l : model.layers()) {
            ObjectNode n = layers.addObject();
            n.put("type", l.type());
            n.put("name", l.name());
            n.set("config", JSON.readTree(l.configJson()));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config);
    }

    /** The first line of a parser's message: Jackson puts the location on a second line, and errors here are one line. */
    static String firstLine(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }

    /** The architecture in {@code cfg}, built (with fresh weights); errors name the file. */
    static Sequential read(Path cfg) throws IOException {
        JsonNode config;
        try {
            config = JSON.readTree(cfg.toFile());
        } catch (IOException e) {
            throw new IOException(cfg + ": not valid JSON (" + firstLine(e) + ")", e);
        }
        if (config == null || !config.isObject()) throw new IOException(cfg + ": not a JSON object");
        if (!FORMAT.equals(config.path("format").asText())) {
            throw new IOException(cfg + ": not a Panamax model config (format '" + OneLine.of(config.path("format").asText()) + "')");
        }
        if (!config.path("layers").isArray() || config.path("layers").isEmpty()) throw new IOException(cfg + ": the model has no layers");
        Sequential model = new Sequential(config.path("seed").asLong(0));
        JsonNode p = config.path("preprocessing");
        if (p.isObject()) {
            try {
                model.preprocessing(new Preprocessing(p.path("scale").asDouble(1), p.path("offset").asDouble(0), p.path("layout").asText("")));
            } catch (IllegalArgumentException e) {
                throw new IOException(cfg + ": " + OneLine.of(e.getMessage()), e);
            }
        }
        // Names from the file reach the messages (an unknown layer type or activation): kept on one line.
        try {
            for (JsonNode n : config.path("layers")) model.add(layer(cfg, n.path("type").asText(), n.path("config")));
            long[] shape = new long[config.path("input_shape").size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = config.path("input_shape").get(i);
                // asLong() would wrap a number beyond long into an arbitrary size (a Jazzer finding)
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 1) {
                    throw new IOException(cfg + ": input_shape[" + i + "] is " + d + "; dimensions are whole numbers ≥ 1");
                }
                shape[i] = d.asLong();
            }
            return model.build(shape);
        } catch (IllegalArgumentException e) {
            throw new IOException(cfg + ": " + OneLine.of(e.getMessage()), e);
        }
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
            case "Activation" -> new Activation(c.path("activation").asText());
            case "Reshape" -> {
                long[] t = new long[c.path("target_shape").size()];
                for (int i = 0; i < t.length; i++) t[i] = c.path("target_shape").get(i).asLong();
                yield new Reshape(t);
            }
            case "GlobalAveragePooling2D" -> new GlobalAveragePooling2D();
            case "Embedding" -> new Embedding(c.path("input_dim").asInt(), c.path("output_dim").asInt());
            case "LayerNormalization" -> new LayerNormalization(c.path("epsilon").asDouble(1e-3));
            case "BatchNormalization" -> new BatchNormalization(c.path("momentum").asDouble(0.99), c.path("epsilon").asDouble(1e-3));
            case "Dropout" -> new Dropout(c.path("rate").asDouble());
            case "LSTM" -> new LSTM(c.path("units").asInt(), c.path("layers").asInt(1), c.path("bidirectional").asBoolean(false),
                    c.path("return_sequences").asBoolean(false));
            case "GRU" -> new GRU(c.path("units").asInt(), c.path("layers").asInt(1), c.path("bidirectional").asBoolean(false),
                    c.path("return_sequences").asBoolean(false));
            case "Conv1D" -> new Conv1D(c.path("filters").asInt(), c.path("kernel_size").asInt(), c.path("dilation_rate").asInt(1),
                    c.path("padding").asText("causal"), c.path("activation").asText("linear"));
            case "Conv2DTranspose" -> new Conv2DTranspose(c.path("filters").asInt(), c.path("kernel_size").path(0).asInt(),
                    c.path("kernel_size").path(1).asInt(), c.path("strides").asInt(1), c.path("padding").asText("valid"),
                    c.path("use_bias").asBoolean(true), c.path("activation").asText("linear"))
                    .kernelInitializer(c.path("kernel_initializer").asText("glorot_uniform")).biasInitializer(c.path("bias_initializer").asText("zeros"));
            case "UpSampling2D" -> new UpSampling2D(c.path("size").path(0).asInt(2), c.path("size").path(1).asInt(2));
            case "LeakyReLU" -> new LeakyReLU(c.path("alpha").asDouble(0.3));
            default -> dev.panamax.nn.Layers.create(type, new dev.panamax.nn.LayerConfig(c));
        };
    }
}
