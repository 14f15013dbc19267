package dev.panamax.nn.transformer;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;

/** Scaled dot-product attention of {@code (B, H, T, D)} queries, keys and values, as the layers call it. */
final class Attend {
    private Attend() {}

    /** {@code softmax(q·kᵀ/√D + mask)·v}; the mask hides future positions when {@code causal}. */
    static Var attention(Var q, Var k, Var v, boolean causal) {
        long[] s = q.shape();
        long t = s[2], tk = k.shape()[2];
        Var scores = F.mul(F.matmul(q, F.transpose(k, 2, 3)), 1 / Math.sqrt(s[3]));  // (B, H, T, Tk)
        if (causal) {
            float[] mask = new float[(int) (t * tk)];
            for (int i = 0; i < t; i++) for (long j = tk - t + i + 1; j < tk; j++) mask[(int) (i * tk + j)] = -1e30f;
            Tensor m = Tensor.of(mask, t, tk);
            scores = F.add(scores, Var.of(q.value().dtype() == DType.F32 ? m : m.to(q.value().dtype())));
        }
        return F.matmul(F.softmax(scores, -1), v);
    }
}
