package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.Attributes;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Map;

/** MatMul and Gemm on the backend's GEMM. */
final class LinearAlgebra {
    private LinearAlgebra() {}

    static void register(Map<String, Operator> ops) {
        ops.put("MatMul", (node, opset) -> in -> new Tensor[] {matmul(in[0], in[1])});
        ops.put("Gemm", (node, opset) -> {
            Attributes a = node.attributes();
            float alpha = a.f("alpha", 1f), beta = a.f("beta", 1f);
            boolean ta = a.i("transA", 0) != 0, tb = a.i("transB", 0) != 0;
            a.ignore("broadcast");  // opsets before 7 only; later ones always broadcast C
            return in -> {
                try (Tensor av = ta ? in[0].t() : Shapes.same(in[0]); Tensor bv = tb ? in[1].t() : Shapes.same(in[1]);
                     Tensor ab = av.matmul(bv)) {
                    Tensor scaled = alpha == 1f ? Shapes.same(ab) : ab.mul(alpha);
                    if (in.length < 3 || in[2] == null || beta == 0f) return new Tensor[] {scaled};
                    try (scaled; Tensor c = beta == 1f ? Shapes.same(in[2]) : in[2].mul(beta)) {
                        return new Tensor[] {scaled.add(c)};
                    }
                }
            };
        });
    }

    /**
     * NumPy matmul; a batch of rows times one matrix ({@code (..., K)·(K, N)}) is one GEMM over all the rows
     * instead of one per batch element.
     */
    static Tensor matmul(Tensor a, Tensor b) {
        if (b.rank() == 2 && a.rank() > 2 && a.isContiguous()) {
            long k = a.dim(a.rank() - 1);
            long[] out = a.shape();
            out[out.length - 1] = b.dim(1);
            try (Tensor a2 = a.reshape(a.numel() / Math.max(1, k), k); Tensor y = a2.matmul(b)) {
                return y.reshape(out);
            }
        }
        if (a.rank() < 2 && b.rank() < 2 && a.rank() + b.rank() == 0) {
            throw new IllegalArgumentException("MatMul of two scalars " + Arrays.toString(a.shape()));
        }
        return a.matmul(b);
    }
}
