package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;

/** Looks up integer ids in a (vocabulary, dim) table: (T) → (T, dim). Keras' uniform(-0.05, 0.05) init. */
public final class Embedding extends Layer {
    private final int vocabulary, dim;

    /**
     * An embedding table.
     *
     * @param vocabulary the number of ids; inputs must lie in [0, vocabulary)
     * @param dim        the vector length per id
     * @throws IllegalArgumentException when a size is not positive
     */
    public Embedding(int vocabulary, int dim) {
        super("embedding");
        if (vocabulary <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding: sizes must be positive");
        this.vocabulary = vocabulary;
        this.dim = dim;
    }

    @Override
    public long[] outputShape(long[] in) {
        long[] out = java.util.Arrays.copyOf(in, in.length + 1);
        out[in.length] = dim;
        return out;
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        params.add(Var.param(Initializers.create("random_uniform", rng, 0, 0, vocabulary, dim)));
    }

    @Override
    public java.util.List<String> paramNames() {
        return java.util.List.of("embeddings");
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        try (Tensor ids = x.value().to(DType.I64); Tensor lo = ids.min(); Tensor hi = ids.max()) {
            if (lo.item() < 0 || hi.item() >= vocabulary) {
                throw new IllegalArgumentException(name() + ": ids must lie in [0, " + vocabulary + "), found " + (long) lo.item()
                        + " to " + (long) hi.item());
            }
            return F.embedding(params.get(0), ids);
        }
    }

    @Override
    public String configJson() {
        return "{\"input_dim\": " + vocabulary + ", \"output_dim\": " + dim + "}";
    }
}
