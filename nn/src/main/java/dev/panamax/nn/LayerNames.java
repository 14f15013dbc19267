package dev.panamax.nn;

import java.util.HashMap;
import java.util.Map;

/** Keras' layer naming within a model: repeats of a name become {@code conv2d}, {@code conv2d_1}, {@code conv2d_2}… */
final class LayerNames {
    private final Map<String, Integer> seen = new HashMap<>();

    /** Renames {@code layer} if its name is already taken in this model. */
    void claim(Layer layer) {
        int n = seen.merge(layer.name(), 1, Integer::sum);
        if (n > 1) layer.rename(layer.name() + "_" + (n - 1));
    }
}
