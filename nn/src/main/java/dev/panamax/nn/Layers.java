package dev.panamax.nn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of user layer types, so that a saved model holding them loads by name: register a factory under
 * the name the layer's {@link Layer#type()} gives (its class name by default) before loading, and
 * {@code ModelIo.load} finds it. Panamax's own layers need no registration.
 *
 * <pre>{@code
 * Layers.register("Scale", config -> new Scale(config.number("factor", 1)));
 * Sequential model = ModelIo.load(dir);   // config.json names "Scale"
 * }</pre>
 */
public final class Layers {
    private static final Map<String, Factory> FACTORIES = new ConcurrentHashMap<>();

    private Layers() {}

    /** Makes a layer from its saved constructor arguments. */
    @FunctionalInterface
    public interface Factory {
        /**
         * A new, unbuilt layer.
         *
         * @param config the arguments its {@link Layer#configJson()} saved
         * @return the layer
         */
        Layer create(LayerConfig config);
    }

    /**
     * Registers (or replaces) the factory for layers of {@code type}.
     *
     * @param type the name in saved configs: the layer's {@link Layer#type()}
     * @param factory makes the layer from its saved config
     */
    public static void register(String type, Factory factory) {
        if (type == null || type.isBlank()) throw new IllegalArgumentException("Layers.register: the type name is empty");
        FACTORIES.put(type, factory);
    }

    /**
     * Removes a registration (for tests and plugins that unload).
     *
     * @param type the name it was registered under
     */
    public static void unregister(String type) {
        FACTORIES.remove(type);
    }

    /**
     * A registered layer.
     *
     * @param type the saved type name
     * @param config its saved arguments
     * @return the layer
     * @throws IllegalArgumentException when nothing is registered under {@code type}, naming the call that would
     */
    public static Layer create(String type, LayerConfig config) {
        Factory f = FACTORIES.get(type);
        if (f == null) {
            throw new IllegalArgumentException("unknown layer type '" + type + "'; register it before loading: Layers.register(\""
                    + type + "\", config -> new " + type + "(...))");
        }
        return f.create(config);
    }
}
