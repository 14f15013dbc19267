package dev.panamax.onnx.graph;

import dev.panamax.onnx.proto.OnnxProto.AttributeProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's attributes, read by name with defaults. It remembers which ones an operator read, so an attribute the
 * operator does not understand is reported ({@link #unread()}) instead of being silently ignored.
 */
public final class Attributes {
    private final String where;
    private final Map<String, AttributeProto> byName = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    /** {@code where} names the node in error messages. */
    public Attributes(String where, List<AttributeProto> attributes) {
        this.where = where;
        for (AttributeProto a : attributes) byName.put(a.getName(), a);
    }

    /** True when the node sets {@code name}. */
    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Marks {@code name} as understood without reading it (an attribute whose every value means the same here). */
    public void ignore(String name) {
        read.add(name);
    }

    /** An integer attribute, or {@code fallback} when absent. */
    public long i(String name, long fallback) {
        AttributeProto a = get(name, AttributeProto.AttributeType.INT);
        return a == null ? fallback : a.getI();
    }

    /** A float attribute, or {@code fallback} when absent. */
    public float f(String name, float fallback) {
        AttributeProto a = get(name, AttributeProto.AttributeType.FLOAT);
        return a == null ? fallback : a.getF();
    }

    /** A string attribute, or {@code fallback} when absent. */
    public String s(String name, String fallback) {
        AttributeProto a = get(name, AttributeProto.AttributeType.STRING);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** An integer-list attribute, or null when absent. */
    public long[] ints(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.INTS);
        if (a == null) return null;
        long[] v = new long[a.getIntsCount()];
        for (int k = 0; k < v.length; k++) v[k] = a.getInts(k);
        return v;
    }

    /** A float-list attribute, or null when absent. */
    public float[] floats(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.FLOATS);
        if (a == null) return null;
        float[] v = new float[a.getFloatsCount()];
        for (int k = 0; k < v.length; k++) v[k] = a.getFloats(k);
        return v;
    }

    /** A string-list attribute (UTF-8), or null when absent. */
    public List<String> strings(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.STRINGS);
        return a == null ? null : a.getStringsList().stream().map(b -> b.toStringUtf8()).toList();
    }

    /** A tensor attribute, or null when absent. */
    public TensorProto t(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.TENSOR);
        return a == null ? null : a.getT();
    }

    /** A graph attribute (a control-flow operator's body), or null when absent. */
    public dev.panamax.onnx.proto.OnnxProto.GraphProto g(String name) {
        AttributeProto a = get(name, AttributeProto.AttributeType.GRAPH);
        return a == null ? null : a.getG();
    }

    /** The names this node sets that no reader asked for. */
    public List<String> unread() {
        List<String> out = new ArrayList<>();
        for (String n : byName.keySet()) if (!read.contains(n)) out.add(n);
        return out;
    }

    private AttributeProto get(String name, AttributeProto.AttributeType type) {
        read.add(name);
        AttributeProto a = byName.get(name);
        if (a == null) return null;
        // Files from old exporters may leave the type unset; the field that is filled then decides.
        if (a.hasType() && a.getType() != type) {
            throw new IllegalArgumentException(where + ": attribute '" + name + "' is " + a.getType() + ", expected " + type);
        }
        if (a.hasRefAttrName()) {
            throw new IllegalArgumentException(where + ": attribute '" + name + "' refers to a function attribute; functions are not supported");
        }
        return a;
    }
}
