package dev.panamax.nn;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A saved layer's constructor arguments (the object its {@link Layer#configJson()} wrote), as a factory registered
 * with {@link Layers#register} reads them back. Getters take the default for a missing key.
 */
public final class LayerConfig {
    private final JsonNode node;

    /**
     * Wraps a parsed config object.
     *
     * @param node the layer's {@code config} object from {@code config.json}
     */
    public LayerConfig(JsonNode node) {
        this.node = node;
    }

    /**
     * Whether the config has {@code key}.
     *
     * @param key the argument's name
     * @return true when present
     */
    public boolean has(String key) {
        return node.has(key);
    }

    /**
     * An integer argument.
     *
     * @param key the argument's name
     * @param dflt the value when it is missing
     * @return the value
     */
    public int integer(String key, int dflt) {
        return node.path(key).asInt(dflt);
    }

    /**
     * A floating-point argument.
     *
     * @param key the argument's name
     * @param dflt the value when it is missing
     * @return the value
     */
    public double number(String key, double dflt) {
        return node.path(key).asDouble(dflt);
    }

    /**
     * A text argument.
     *
     * @param key the argument's name
     * @param dflt the value when it is missing
     * @return the value
     */
    public String string(String key, String dflt) {
        return node.path(key).asText(dflt);
    }

    /**
     * A boolean argument.
     *
     * @param key the argument's name
     * @param dflt the value when it is missing
     * @return the value
     */
    public boolean bool(String key, boolean dflt) {
        return node.path(key).asBoolean(dflt);
    }

    /**
     * An array of integers (a shape, kernel sizes).
     *
     * @param key the argument's name
     * @return the values; empty when missing
     */
    public long[] longs(String key) {
        JsonNode a = node.path(key);
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asLong();
        return out;
    }

    /**
     * The config as JSON text, for a factory that parses it itself.
     *
     * @return the JSON object
     */
    public String json() {
        return node.toString();
    }
}
