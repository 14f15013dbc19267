package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.AttentionSpec;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.PackedWeights;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/**
 * Panamax's own operators (domain {@code dev.panamax}), which the importer's fusion pass puts in place of the
 * node patterns exporters write for LayerNorm, GELU, a dense layer and attention. Each is one backend kernel where
 * the pattern was five to fifteen nodes and as many passes over memory.
 */
final class Fused {
    private Fused() {}

    /** Masked-out scores at or below this add nothing after softmax in float32 ({@code exp(-1e4)} is 0). */
    private static final double MASKED = -1e4;

    static void register(Map<String, Operator> ops) {
        ops.put("LayerNorm", (node, opset) -> {
            double eps = node.attributes().f("epsilon", 1e-5f);
            return in -> Normalizations.layerNorm(in[0], in[1], in[2], in[0].rank() - 1, eps, 1);
        });
        ops.put("Gelu", (node, opset) -> {
            boolean tanh = node.attributes().i("tanh", 0) != 0;
            return in -> new Tensor[] {Normalizations.gelu(in[0], tanh)};
        });
        ops.put("Linear", (node, opset) -> new Dense(null, false));
        ops.put("LinearGelu", (node, opset) -> new Dense(null, true).geluTanh(node.attributes().i("tanh", 0) != 0));
        ops.put("Attention", (node, opset) -> {
            Attributes a = node.attributes();
            double scale = a.f("scale", Float.NaN);
            boolean headsLast = a.i("heads_last", 1) != 0;
            return in -> new Tensor[] {attention(in[0], in[1], in[2], in.length > 3 ? in[3] : null, scale, headsLast)};
        });
    }

    /**
     * {@code x·w + b} over the last axis ({@code Linear}), or {@code gelu(x·w + b)} ({@code LinearGelu}): one GEMM over
     * all rows, then the bias. A constant {@code w} is handed to the backend once ({@link PackedWeights}), so a product
     * of a few rows does not repack it on every call.
     */
    private record Dense(PackedWeights packed, boolean gelu, boolean tanh) implements Kernel, PreparesConstants {
        Dense(PackedWeights packed, boolean gelu) {
            this(packed, gelu, false);
        }

        Dense geluTanh(boolean tanh) {
            return new Dense(packed, gelu, tanh);
        }

        @Override
        public Kernel prepare(Tensor[] constants) {
            Tensor w = constants[1];
            return w == null || w.rank() != 2 ? this : new Dense(new PackedWeights(w), gelu, tanh);
        }

        @Override
        public Tensor[] run(Tensor[] in) {
            Tensor y = packed == null ? LinearAlgebra.matmul(in[0], in[1]) : Backend.of(in[0]).matmul(in[0], packed);
            if (gelu) {
                try (y) {
                    return new Tensor[] {Backend.of(y).biasGelu(y, in[2], tanh)};
                }
            }
            // The bias goes in place: the product is this kernel's own buffer, so no second one of its size is needed
            // (25 MB at MiniLM's batch of 32 × 128).
            try {
                return new Tensor[] {y.addInPlace(in[2])};
            } catch (RuntimeException e) {
                y.close();
                throw e;
            }
        }
    }

    /**
     * Attention of {@code q, k, v} given as {@code (B, T, H, D)} (heads after time: the layout the projections
     * produce), with an optional additive {@code mask} broadcastable to {@code (B, H, Tq, Tk)}; the result is
     * {@code (B, Tq, H, D)} when {@code headsLast}, else {@code (B, H, Tq, D)}. A mask that only hides trailing
     * keys of each batch row (BERT's padding mask) becomes the fused kernel's key lengths; any other mask runs the
     * composite {@code softmax(q·kᵀ·scale + mask)·v}, which is what the graph said.
     */
    static Tensor attention(Tensor q4, Tensor k4, Tensor v4, Tensor mask, double scale, boolean headsLast) {
        try (Tensor q = q4.permute(0, 2, 1, 3); Tensor k = k4.permute(0, 2, 1, 3); Tensor v = v4.permute(0, 2, 1, 3)) {
            int[] keyLengths = mask == null ? null : keyLengths(mask, q.dim(0), k.dim(2));
            if (mask != null && keyLengths == null) {
                Tensor out = composite(q, k, v, mask, scale);
                if (!headsLast) return out;
                try (out) {
                    return out.permute(0, 2, 1, 3);
                }
            }
            // The kernel reads the heads where the projections left them and writes them where the next dense layer
            // reads them: (B, T, H, D) seen as (B, H, T, D), no copy either way.
            long b = q4.dim(0), tq = q4.dim(1), h = q4.dim(2), d = q4.dim(3);
            Tensor out = headsLast ? Tensor.empty(q4.dtype(), b, tq, h, d) : Tensor.empty(q4.dtype(), b, h, tq, d);
            try (Tensor view = headsLast ? out.permute(0, 2, 1, 3) : out.to(out.dtype()); Tensor lse = Tensor.empty(q4.dtype(), b, h, tq)) {
                Backend.of(q).attention(view, lse, q, k, v,
                        new AttentionSpec(false, keyLengths == null || keyLengths.length == 0 ? null : keyLengths, scale, 0, 0));
                return out;
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        }
    }

    /**
     * Per batch row, how many leading keys the additive mask leaves visible, when it is 0 on those and
     * {@code <= MASKED} on all later ones for every head and query; an empty array when nothing is masked; null
     * when the mask is anything else.
     */
    private static int[] keyLengths(Tensor mask, long batch, long keys) {
        long[] s = mask.shape();
        int r = s.length;
        if (r == 0 || s[r - 1] != keys) return null;
        for (int i = 0; i < r - 1; i++) if (s[i] != 1 && !(i == r - 4 && s[i] == batch)) return null;
        long rows = r >= 4 ? s[r - 4] : 1;
        float[] m;
        try (Tensor c = mask.contiguous(); Tensor f = c.to(dev.panamax.tensors.DType.F32)) {
            m = f.toFloatArray();
        }
        int[] lengths = new int[(int) batch];
        boolean any = false;
        for (int b = 0; b < batch; b++) {
            int base = (int) ((rows == 1 ? 0 : b) * keys), len = 0;
            while (len < keys && m[base + len] == 0f) len++;
            if (len == 0) return null;  // a row with every key hidden: the composite's uniform average is what the graph says
            for (int j = len; j < keys; j++) if (!(m[base + j] <= MASKED)) return null;
            lengths[b] = len;
            any |= len < keys;
        }
        return any ? lengths : new int[0];
    }

    private static Tensor composite(Tensor q, Tensor k, Tensor v, Tensor mask, double scale) {
        try (Tensor kt = k.transpose(2, 3); Tensor s = q.matmul(kt); Tensor scaled = s.mul(scale); Tensor masked = scaled.add(mask);
             Tensor p = Normalizations.softmax(masked, 3, false)) {
            return p.matmul(v);
        }
    }
}
