package dev.panamax.onnx.export;

import static dev.panamax.onnx.export.GraphBuilder.attr;

import dev.panamax.nn.Layer;
import dev.panamax.nn.LayerNormalization;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.nn.transformer.GptConfig;
import dev.panamax.nn.transformer.TransformerBlock;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A {@link Gpt} as an ONNX graph (opset 17), token ids {@code input_ids (batch, sequence)} in, {@code logits (batch,
 * sequence, vocab)} out, {@code sequence ≤ context}. Token embedding by Gather plus the position table sliced to the
 * sequence; each block as pre-norm LayerNormalization, the fused QKV projection sliced into q, k and v, attention
 * written out as {@code softmax(q·kᵀ/√D + mask)·v} with a constant causal mask (0 on and below the diagonal, -1e9
 * above, sliced to the sequence: exactly 0 after softmax), the output projection and the GELU MLP with residual
 * adds; a final LayerNormalization; and the head tied to the token embedding: one initializer, read by the Gather
 * and, transposed, by the last MatMul. Weights keep the names {@link Gpt#weights()} gives them. The node order
 * is the one exporters of BERT-style models write, so Panamax's importer fuses it back into its kernels.
 */
final class GptExport {
    /** What a masked score becomes; {@code exp(-1e9 - max)} is exactly 0 in float32, as a hidden key's weight must be. */
    private static final float MASKED = -1e9f;

    private final GraphBuilder g;
    private final Map<String, Tensor> weights;
    private final GptConfig config;

    private GptExport(Gpt model) {
        this.g = new GraphBuilder("gpt");
        this.weights = model.weights();
        this.config = model.config();
    }

    static ModelProto export(Gpt model, int opset) {
        GptExport e = new GptExport(model);
        List<Layer> layers = model.layers();  // token table, position table, blocks, final norm
        e.requireFloat32();
        return e.write(layers.get(0), layers.get(1), layers.subList(2, layers.size() - 1), (LayerNormalization) layers.getLast(), opset);
    }

    private void requireFloat32() {
        weights.forEach((name, t) -> {
            if (t.dtype() != DType.F32) throw new IllegalArgumentException("gpt weight '" + name + "' is " + t.dtype() + "; the exporter writes float32 models only");
        });
    }

    private ModelProto write(Layer tokens, Layer positions, List<Layer> blocks, LayerNormalization norm, int opset) {
        GptConfig c = config;
        g.input("input_ids", DType.I64, "batch", "sequence");
        String wte = weight(tokens, "embeddings");                                                              // (V, C)
        String tok = g.node("Gather", "embed/tokens", List.of(wte, "input_ids"));                               // (B, T, C)
        String t = g.node("Shape", "embed/sequence", List.of("input_ids"), attr("start", 1L), attr("end", 2L)); // [T]
        String zero = g.ints("const_0", 0), axis0 = g.ints("const_axis0", 0);
        String pos = g.node("Slice", "embed/positions", List.of(weight(positions, "embeddings"), zero, t, axis0)); // (T, C)
        String h = g.node("Add", "embed", List.of(tok, pos));

        String mask = g.node("Slice", "causal_mask", List.of(causalMask(c.context()), g.ints("const_00", 0, 0),
                g.node("Concat", "causal_mask/ends", List.of(t, t), attr("axis", 0L)), g.ints("const_axes01", 0, 1)));  // (T, T)
        for (Layer b : blocks) h = block((TransformerBlock) b, h, mask);

        String hn = layerNorm(norm.name(), weight(norm, "gamma"), weight(norm, "beta"), norm.epsilon(), h);
        String head = g.node("Transpose", "head/tied_embedding", List.of(wte), attr("perm", 1L, 0L));          // (C, V)
        String logits = g.node("MatMul", "head", List.of(hn, head));                                           // (B, T, V)
        g.output(logits, "logits", DType.F32, "batch", "sequence", (long) c.vocab());
        return g.model(opset, "Panamax GPT: vocab " + c.vocab() + ", context " + c.context() + ", " + c.layers() + " layers, " + c.heads()
                + " heads, dim " + c.dim() + (c.tanhGelu() ? ", tanh GELU" : "") + "; input_ids (batch, sequence ≤ " + c.context() + ")");
    }

    /** {@code x + attention(norm1(x))}, then {@code + mlp(norm2(·))}. */
    private String block(TransformerBlock b, String x, String mask) {
        String n = b.name();
        long dim = config.dim(), heads = config.heads(), d = dim / heads;
        String a = layerNorm(n + "/norm1", weight(b, "norm1.gamma"), weight(b, "norm1.beta"), b.epsilon(), x);
        String qkv = linear(n + "/attention/qkv", a, weight(b, "attention.qkv_kernel"), weight(b, "attention.qkv_bias"));  // (B, T, 3C)
        String headsShape = g.ints(n + "/attention/heads_shape", 0, 0, heads, d);
        String[] parts = new String[3];
        String axis2 = g.ints(n + "/attention/axis", 2);
        for (int i = 0; i < 3; i++) {
            String which = "qkv".substring(i, i + 1);
            String slice = g.node("Slice", n + "/attention/" + which, List.of(qkv, g.ints(n + "/attention/" + which + "_start", i * dim),
                    g.ints(n + "/attention/" + which + "_end", (i + 1) * dim), axis2));                        // (B, T, C)
            parts[i] = g.node("Reshape", n + "/attention/" + which + "_heads", List.of(slice, headsShape));    // (B, T, H, D)
        }
        String q = g.node("Transpose", n + "/attention/q_t", List.of(parts[0]), attr("perm", 0L, 2L, 1L, 3L)); // (B, H, T, D)
        String kT = g.node("Transpose", n + "/attention/k_t", List.of(parts[1]), attr("perm", 0L, 2L, 3L, 1L)); // (B, H, D, T)
        String v = g.node("Transpose", n + "/attention/v_t", List.of(parts[2]), attr("perm", 0L, 2L, 1L, 3L)); // (B, H, T, D)
        String scores = g.node("MatMul", n + "/attention/scores", List.of(q, kT));                              // (B, H, T, T)
        String scaled = g.node("Div", n + "/attention/scaled", List.of(scores, g.scalar("const_sqrt_head_dim", (float) Math.sqrt(d))));
        String masked = g.node("Add", n + "/attention/masked", List.of(scaled, mask));
        String p = g.node("Softmax", n + "/attention/softmax", List.of(masked), attr("axis", -1L));
        String o = g.node("MatMul", n + "/attention/context", List.of(p, v));                                   // (B, H, T, D)
        String oT = g.node("Transpose", n + "/attention/context_t", List.of(o), attr("perm", 0L, 2L, 1L, 3L));  // (B, T, H, D)
        String merged = g.node("Reshape", n + "/attention/merge", List.of(oT, g.ints(n + "/attention/merged_shape", 0, 0, dim)));
        String attn = linear(n + "/attention/out", merged, weight(b, "attention.out_kernel"), weight(b, "attention.out_bias"));
        String h = g.node("Add", n + "/residual1", List.of(x, attn));

        String m = layerNorm(n + "/norm2", weight(b, "norm2.gamma"), weight(b, "norm2.beta"), b.epsilon(), h);
        String fc = linear(n + "/mlp/fc", m, weight(b, "mlp.fc_kernel"), weight(b, "mlp.fc_bias"));            // (B, T, 4C)
        String act = Activations.gelu(g, fc, n + "/mlp", config.tanhGelu());
        String proj = linear(n + "/mlp/proj", act, weight(b, "mlp.proj_kernel"), weight(b, "mlp.proj_bias"));
        return g.node("Add", n + "/residual2", List.of(h, proj));
    }

    private String linear(String hint, String x, String kernel, String bias) {
        return g.node("Add", hint, List.of(g.node("MatMul", hint + "/MatMul", List.of(x, kernel)), bias));
    }

    private String layerNorm(String hint, String gamma, String beta, double eps, String x) {
        return g.node("LayerNormalization", hint, List.of(x, gamma, beta), attr("axis", -1L), attr("epsilon", (float) eps));
    }

    /** The layer's weight {@code part} as an initializer under its saved name ({@code block0.attention.qkv_kernel}). */
    private String weight(Layer layer, String part) {
        String name = layer.name() + "." + part;
        Tensor t = weights.get(name);
        if (t == null) throw new IllegalStateException("gpt: no weight '" + name + "' among " + weights.keySet());
        return g.initializer(name, t);
    }

    /** {@code (context, context)}: 0 where key ≤ query, {@link #MASKED} above the diagonal. */
    private String causalMask(int context) {
        float[] m = new float[context * context];
        for (int i = 0; i < context; i++) for (int j = i + 1; j < context; j++) m[i * context + j] = MASKED;
        try (Tensor t = Tensor.of(m, context, context)) {
            return g.initializer("causal_mask_full", t);
        }
    }
}
