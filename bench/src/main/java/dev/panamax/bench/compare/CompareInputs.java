package dev.panamax.bench.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Layer;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.Safetensors;
import dev.panamax.tensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What both sides of a comparison read: the models' initial weights, exported once from Panamax in safetensors
 * (tensors in layer order, Keras layouts), and {@code data.json} naming the MNIST IDX files.
 */
public final class CompareInputs {
    static final long SEED = 42;
    static final String CNN = "cnn.safetensors";
    static final String MLP = "mlp.safetensors";
    static final String DATA = "data.json";
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

    /** The MNIST split ({@code train} or {@code test}) named in {@code data.json}, scaled to [0, 1]. */
    static Dataset mnist(Path inputs, String split) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, String> files = new ObjectMapper().readValue(inputs.resolve(DATA).toFile(), Map.class);
        return Dataset.readIdx(Path.of(files.get(split + "_images")), Path.of(files.get(split + "_labels")), 0);
    }
}
