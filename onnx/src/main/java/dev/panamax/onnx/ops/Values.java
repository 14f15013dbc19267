package dev.panamax.onnx.ops;

import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.List;

/**
 * What the runtime does with any ONNX value (a {@code Tensor}, {@link StringTensor}, {@link Sequence} or
 * {@link OptionalValue}) without knowing which it is: close, copy, move between scopes, key plans by shape.
 */
public final class Values {
    private Values() {}

    /** Frees what {@code v} owns (its tensors); null is nothing. */
    public static void close(Object v) {
        switch (v) {
            case Tensor t -> t.close();
            case Sequence s -> s.items().forEach(Values::close);
            case OptionalValue o -> close(o.value());
            case null, default -> { }
        }
    }

    /** A deep copy of {@code v} whose tensors belong to the current scope. */
    public static Object copy(Object v) {
        return switch (v) {
            case Tensor t -> t.copy();
            case Sequence s -> new Sequence(copies(s.items()));
            case OptionalValue o -> o.value() == null ? o : new OptionalValue(copy(o.value()));
            case null, default -> v;
        };
    }

    /** Copies of {@code items}, in order. */
    static List<Object> copies(List<Object> items) {
        List<Object> c = new ArrayList<>(items.size());
        try {
            for (Object i : items) c.add(copy(i));
        } catch (RuntimeException e) {
            c.forEach(Values::close);
            throw e;
        }
        return c;
    }

    /** {@code v} with its tensors moved to {@code scope} (null: to no scope, the caller closes them). */
    public static Object move(Object v, MemoryScope scope) {
        return switch (v) {
            case Tensor t -> MemoryScope.move(t, scope);
            case Sequence s -> new Sequence(s.items().stream().map(i -> move(i, scope)).toList());
            case OptionalValue o -> o.value() == null ? o : new OptionalValue(move(o.value(), scope));
            case null, default -> v;
        };
    }

    /** What a plan depends on: the shapes of the tensors in {@code v}, nested as the values are (compared deeply). */
    public static Object shapeKey(Object v) {
        return switch (v) {
            case Tensor t -> t.shape();
            case StringTensor s -> new Object[] {"strings", s.shape()};
            case Sequence s -> s.items().stream().map(Values::shapeKey).toArray();
            case OptionalValue o -> new Object[] {"optional", shapeKey(o.value())};
            case null, default -> "none";
        };
    }

    /** {@code v} as a numeric tensor, or an error saying what it is instead. */
    public static Tensor tensor(Object v, String what) {
        if (v == null || v instanceof Tensor) return (Tensor) v;
        throw new IllegalArgumentException(what + " is " + kind(v) + " where a numeric tensor is needed; the operator does not take one");
    }

    /** "a sequence", "an optional", "a string tensor" or "a tensor". */
    public static String kind(Object v) {
        return switch (v) {
            case Sequence s -> "a sequence";
            case OptionalValue o -> "an optional";
            case StringTensor s -> "a string tensor";
            case null, default -> "a tensor";
        };
    }
}
