package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * Batch normalisation in training mode over every axis but the last, in one pass each way:
 * {@code y = (x - mean)/sqrt(var + eps)·gamma + beta} with the batch's per-channel statistics (biased variance),
 * inputs {@code (x, gamma, beta)}, one value of {@code gamma} and {@code beta} per channel. Moves the running
 * statistics towards the batch's: {@code running = momentum·running + (1 - momentum)·batch} (Keras' convention).
 * <pre>
 * saves: x, gamma, mean and rstd = 1/sqrt(var + eps) per channel
 * dx = gamma·rstd·(g - mean_rows(g) - xhat·mean_rows(g·xhat)),  dgamma = Σ_rows g·xhat,  dbeta = Σ_rows g
 * </pre>
 */
public final class BatchNorm extends Function {
    private final double eps, momentum;
    private final Tensor runningMean, runningVar;

    public BatchNorm(double eps, double momentum, Tensor runningMean, Tensor runningVar) {
        if (!(eps > 0)) throw new IllegalArgumentException("batch_norm: eps must be positive, got " + eps);
        this.eps = eps;
        this.momentum = momentum;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], gamma = in[1], beta = in[2];
        long c = x.rank() == 0 ? -1 : x.dim(x.rank() - 1);
        if (gamma.rank() != 1 || beta.rank() != 1 || gamma.dim(0) != c || beta.dim(0) != c || runningMean.numel() != c || runningVar.numel() != c) {
            throw new IllegalArgumentException("batch_norm: gamma, beta and the running statistics need one value per channel of the last axis: input "
                    + Arrays.toString(x.shape()) + ", gamma " + Arrays.toString(gamma.shape()) + ", beta " + Arrays.toString(beta.shape()));
        }
        if (!x.dtype().isFloating() || gamma.dtype() != x.dtype() || beta.dtype() != x.dtype()) {
            throw new IllegalArgumentException("batch_norm: input, gamma and beta must all be F32 or all F64, got " + x.dtype() + ", "
                    + gamma.dtype() + ", " + beta.dtype());
        }
        Tensor[] out = Backend.of(x).batchNorm(x, gamma, beta, eps);
        try (Tensor m = out[1].reshape(runningMean.shape()); Tensor v = out[2].reshape(runningVar.shape());
             Tensor nm = runningMean.mul(momentum); Tensor am = m.mul(1 - momentum); Tensor newMean = nm.add(am);
             Tensor nv = runningVar.mul(momentum); Tensor av = v.mul(1 - momentum); Tensor newVar = nv.add(av)) {
            runningMean.copyFrom(newMean);
            runningVar.copyFrom(newVar);
        }
        ctx.save(x, gamma, out[1], out[3]);
        for (int i = 1; i < 4; i++) out[i].close();  // the context holds its own views
        return new Tensor[] {out[0]};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0);
        return Backend.of(x).batchNormBackward(g[0], x, ctx.saved(1), ctx.saved(2), ctx.saved(3));
    }
}
