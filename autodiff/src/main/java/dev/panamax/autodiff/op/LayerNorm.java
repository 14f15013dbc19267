package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * LayerNorm over the last axis in one pass each way: {@code y = (x - mean)/sqrt(var + eps)·gamma + beta}, inputs
 * {@code (x, gamma, beta)} with {@code gamma} and {@code beta} one value per channel of the last axis; the variance
 * is biased, as in PyTorch and Keras. F32 and F64.
 * <pre>
 * saves: x, gamma, mean and rstd = 1/sqrt(var + eps) per row
 * dx = rstd·(h - mean(h) - xhat·mean(h·xhat)) with h = g·gamma,  dgamma = Σ_rows g·xhat,  dbeta = Σ_rows g
 * </pre>
 */
public final class LayerNorm extends Function {
    private final double eps;

    public LayerNorm(double eps) {
        if (!(eps > 0)) throw new IllegalArgumentException("layer_norm: eps must be positive, got " + eps);
        this.eps = eps;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], gamma = in[1], beta = in[2];
        long c = x.rank() == 0 ? -1 : x.dim(x.rank() - 1);
        if (gamma.rank() != 1 || beta.rank() != 1 || gamma.dim(0) != c || beta.dim(0) != c) {
            throw new IllegalArgumentException("layer_norm: gamma and beta must have one value per channel of the last axis: input "
                    + Arrays.toString(x.shape()) + ", gamma " + Arrays.toString(gamma.shape()) + ", beta " + Arrays.toString(beta.shape()));
        }
        if (!x.dtype().isFloating() || gamma.dtype() != x.dtype() || beta.dtype() != x.dtype()) {
            throw new IllegalArgumentException("layer_norm: input, gamma and beta must all be F32 or all F64, got " + x.dtype() + ", "
                    + gamma.dtype() + ", " + beta.dtype());
        }
        Tensor[] out = Backend.of(x).layerNorm(x, gamma, beta, eps);
        ctx.save(x, gamma, out[1], out[2]);
        out[1].close();  // the context holds its own views
        out[2].close();
        return new Tensor[] {out[0]};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0);
        return Backend.of(x).layerNormBackward(g[0], x, ctx.saved(1), ctx.saved(2), ctx.saved(3));
    }
}
