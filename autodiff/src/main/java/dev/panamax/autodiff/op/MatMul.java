package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * Matrix product of operands with at least two dimensions (batch dimensions broadcast):
 * {@code dA = g · Bᵀ}, {@code dB = Aᵀ · g}, each summed over the batch dimensions it was broadcast along. A batch of
 * rows times one matrix (a layer's weights) runs as one product over all the rows each way, and the backward's two
 * products are one backend call ({@code Backend.matmulGradients}), which runs them side by side.
 */
public final class MatMul extends Function {
    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        if (in[0].rank() < 2 || in[1].rank() < 2) {
            throw new IllegalArgumentException("MatMul: operands need at least 2 dimensions, got "
                    + java.util.Arrays.toString(in[0].shape()) + " and " + java.util.Arrays.toString(in[1].shape())
                    + "; reshape vectors to (1, n) or (n, 1)");
        }
        ctx.save(in[0], in[1]);
        if (flattens(in[0], in[1])) {  // (..., K)·(K, N): one GEMM over every row instead of one per batch entry
            long[] shape = in[0].shape();
            shape[shape.length - 1] = in[1].dim(1);
            try (Tensor a2 = rows(in[0]); Tensor y = a2.matmul(in[1])) {
                return new Tensor[] {y.reshape(shape)};
            }
        }
        return new Tensor[] {in[0].matmul(in[1])};
    }

    /** A batched {@code a} times a matrix {@code b}: the rows of {@code a} can be multiplied as one matrix. */
    private static boolean flattens(Tensor a, Tensor b) {
        return a.rank() > 2 && b.rank() == 2 && a.isContiguous();
    }

    /** {@code t (..., K)} as a {@code (rows, K)} matrix view. */
    private static Tensor rows(Tensor t) {
        return t.reshape(-1, t.dim(t.rank() - 1));
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor a = ctx.saved(0), b = ctx.saved(1);
        if (flattens(a, b)) {  // da = g·bᵀ over all rows at once; db = aᵀ·g is one GEMM, already summed over the batch
            try (Tensor gc = g[0].contiguous(); Tensor g2 = rows(gc); Tensor a2 = rows(a)) {
                Tensor[] d = Backend.of(a).matmulGradients(g2, a2, b, ctx.needsInputGrad(0), ctx.needsInputGrad(1));
                if (d[0] != null) {
                    try (Tensor full = d[0]) {
                        d[0] = full.reshape(a.shape());
                    }
                }
                return d;
            }
        }
        if (a.rank() == 2 && b.rank() == 2) return Backend.of(a).matmulGradients(g[0], a, b, ctx.needsInputGrad(0), ctx.needsInputGrad(1));
        Tensor da = null, db = null;
        if (ctx.needsInputGrad(0)) {
            try (Tensor bt = b.transpose(-2, -1); Tensor full = g[0].matmul(bt)) {
                da = Grads.sumTo(full, ctx.inputShape(0));
            }
        }
        if (ctx.needsInputGrad(1)) {
            try (Tensor at = a.transpose(-2, -1); Tensor full = at.matmul(g[0])) {
                db = Grads.sumTo(full, ctx.inputShape(1));
            }
        }
        return new Tensor[] {da, db};
    }

    /** {@code dA = g · Bᵀ}, {@code dB = Aᵀ · g}, recorded, each summed over the batch dimensions it was broadcast along. */
    @Override
    protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
        Var da = ctx.needsInputGrad(0) ? Grads.sumTo(new MatMul().apply1(g[0], lastTwoSwapped(in[1])), ctx.inputShape(0)) : null;
        Var db = ctx.needsInputGrad(1) ? Grads.sumTo(new MatMul().apply1(lastTwoSwapped(in[0]), g[0]), ctx.inputShape(1)) : null;
        return new Var[] {da, db};
    }

    private static Var lastTwoSwapped(Var v) {
        int r = v.shape().length;
        int[] order = java.util.stream.IntStream.range(0, r).toArray();
        order[r - 2] = r - 1;
        order[r - 1] = r - 2;
        return new Permute(order).apply1(v);
    }
}
