package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/**
 * Matrix product of operands with at least two dimensions (batch dimensions broadcast):
 * {@code dA = g · Bᵀ}, {@code dB = Aᵀ · g}, each summed over the batch dimensions it was broadcast along.
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
        return new Tensor[] {in[0].matmul(in[1])};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor a = ctx.saved(0), b = ctx.saved(1);
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
}
