package dev.panamax.tensors;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A constant weight matrix {@code w (k, n)} that many products {@code x·w} will read, with room for a backend to keep
 * it in a layout of its own ({@link Backend#matmul(Tensor, PackedWeights)}): the CPU backend packs it once into its
 * GEMM's panels, the first time a product with few rows needs them. Does not own {@code w}, which must stay open and
 * unchanged while this is used. Safe to share between threads.
 */
public final class PackedWeights {
    private final Tensor weights;
    private final AtomicReference<Object> layout = new AtomicReference<>();

    /**
     * Wraps {@code weights}, a matrix.
     *
     * @param weights a 2-D tensor that stays unchanged while this is used
     */
    public PackedWeights(Tensor weights) {
        if (weights.rank() != 2) {
            throw new IllegalArgumentException("PackedWeights: expected a matrix (k, n), got shape " + java.util.Arrays.toString(weights.shape()));
        }
        this.weights = weights;
    }

    /** {@return the matrix as given} */
    public Tensor weights() {
        return weights;
    }

    /**
     * The backend's copy of the matrix, made by {@code make} on first use (two threads racing may both make one; one
     * is kept). A backend asks for one type only.
     *
     * @param type the layout's class
     * @param make makes the layout from the matrix
     * @param <T>  the layout's type
     * @return the layout, made once and cached
     */
    public <T> T layout(Class<T> type, Function<Tensor, T> make) {
        Object l = layout.get();
        if (l == null) {
            layout.compareAndSet(null, make.apply(weights));
            l = layout.get();
        }
        return type.cast(l);
    }
}
