package dev.panamax.tensors;

import dev.panamax.kernels.attention.Attention;

/**
 * {@link Backend#attention} on host memory: the fused kernel ({@link Attention}) reading and writing the tensors'
 * segments in place through their strides, so heads split out of a packed projection, or an output laid out
 * {@code (B, T, H, D)}, cost no copy. An input whose rows (last axis) are not contiguous is copied first.
 */
final class HostAttention {
    private HostAttention() {}

    static void forward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        Attention.Dims s = dims(q, k, spec);
        checkWritable(lse.isContiguous(), "lse", lse);
        try (Tensor qc = readable(q); Tensor kc = readable(k); Tensor vc = readable(v)) {
            Attention.forward(q.dtype().byteSize(), writable(out, "out"), lse.segment(), lse.offset(), heads(qc), heads(kc), heads(vc), s);
        }
    }

    static void backward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse,
                         AttentionSpec spec) {
        Attention.Dims s = dims(q, k, spec);
        try (Tensor gc = readable(dout); Tensor qc = readable(q); Tensor kc = readable(k); Tensor vc = readable(v); Tensor oc = readable(out);
             Tensor lc = lse.contiguous()) {
            Attention.backward(q.dtype().byteSize(), writable(dq, "dq"), writable(dk, "dk"), writable(dv, "dv"), heads(gc), heads(qc), heads(kc),
                    heads(vc), heads(oc), lc.segment(), lc.offset(), s);
        }
    }

    private static Attention.Dims dims(Tensor q, Tensor k, AttentionSpec spec) {
        return new Attention.Dims((int) q.dim(0), (int) q.dim(1), (int) q.dim(2), (int) k.dim(2), (int) q.dim(3), spec.scale(), spec.causal(),
                spec.keyLengths(), spec.dropout(), spec.seed());
    }

    /** Whether the kernel can address {@code t (B, H, T, D)} through its strides: each row's D values contiguous. */
    private static boolean rowsContiguous(Tensor t) {
        return t.rank() == 4 && (t.stride(3) == 1 || t.dim(3) <= 1);
    }

    /** A new view of {@code t} when the kernel can read it in place, else a contiguous copy; the caller closes it. */
    private static Tensor readable(Tensor t) {
        return rowsContiguous(t) ? t.view(t.shape(), t.strides(), t.offset()) : t.copy();
    }

    private static Attention.Heads writable(Tensor t, String name) {
        checkWritable(rowsContiguous(t), name, t);
        return heads(t);
    }

    private static void checkWritable(boolean ok, String name, Tensor t) {
        if (!ok) throw new IllegalArgumentException("attention: " + name + " must be written in place and its rows are not contiguous: " + t.describe());
    }

    private static Attention.Heads heads(Tensor t) {
        return new Attention.Heads(t.segment(), t.offset(), t.stride(0), t.stride(1), t.stride(2));
    }
}
