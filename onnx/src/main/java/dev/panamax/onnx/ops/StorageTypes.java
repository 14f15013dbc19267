package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Node;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Map;
import java.util.Set;

/**
 * Runs operators on ONNX's storage types ({@link DType#isStorageOnly()}: float16, bfloat16, int8, int16, uint16,
 * uint32, uint64) without a kernel for each: the inputs are widened to their {@link DType#compute()} type, the
 * kernel runs as usual, and each output of that type is narrowed back to the storage type of the first such input
 * (a C-style wrap for integers, round-to-nearest-even for halves: what computing in the narrow type gives). Cast and
 * CastLike (and the kernels that take any value) see the real types, and outputs that are always int64 (indices, shapes) or whose type an attribute
 * names are left alone.
 */
public final class StorageTypes {
    /** Outputs that are int64 whatever the input type, by operator. */
    private static final Map<String, Set<Integer>> INDEX_OUTPUTS = Map.of("ArgMax", Set.of(0), "ArgMin", Set.of(0), "NonZero", Set.of(0),
            "Shape", Set.of(0), "Size", Set.of(0), "TopK", Set.of(1), "Unique", Set.of(1, 2, 3));

    private StorageTypes() {}

    /** {@code k} for {@code node}, made to accept storage-type inputs (or {@code k} itself where it sees them as they are). */
    public static Kernel wrap(Node node, Kernel k) {
        if (k instanceof ValueKernel || !node.domain().isEmpty() || node.opType().equals("Cast") || node.opType().equals("CastLike")) return k;
        Set<Integer> keep = node.attributes().has("dtype") ? null : INDEX_OUTPUTS.getOrDefault(node.opType(), Set.of());
        return in -> run(k, keep, in);
    }

    private static Tensor[] run(Kernel k, Set<Integer> keep, Tensor[] in) {
        DType storage = null;
        for (Tensor t : in) {
            if (t != null && t.dtype().isStorageOnly()) {
                storage = t.dtype();
                break;
            }
        }
        if (storage == null) return k.run(in);
        Tensor[] wide = new Tensor[in.length];
        Tensor[] out;
        try {
            for (int i = 0; i < in.length; i++) {
                wide[i] = in[i] != null && in[i].dtype().isStorageOnly() ? in[i].to(in[i].dtype().compute()) : null;
            }
            Tensor[] args = in.clone();
            for (int i = 0; i < in.length; i++) if (wide[i] != null) args[i] = wide[i];
            out = k.run(args);
            for (int j = 0; j < out.length; j++) {  // before the wide inputs close: an output may be a view of one
                if (keep != null && !keep.contains(j) && out[j].dtype() == storage.compute()) {
                    Tensor narrow = out[j].to(storage);
                    out[j].close();
                    out[j] = narrow;
                }
            }
        } finally {
            for (Tensor w : wide) if (w != null) w.close();
        }
        return out;
    }
}
