package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * Mean sparse categorical cross-entropy from logits {@code (N, C)} and integer labels {@code (N)}, softmax
 * fused in: {@code loss = mean_r(logsumexp(z_r) - z_r[label_r])}, {@code dz = (softmax(z) - onehot) / N · g}.
 * One backend call computes the loss and {@code (softmax - onehot)/N} together (F32: one pass per row; F64: the
 * max-shifted tensor ops), saved for the backward, which only scales it by the upstream gradient.
 */
public final class SoftmaxCrossEntropy extends Function {
    private final Tensor labels;

    public SoftmaxCrossEntropy(Tensor labels) {
        this.labels = labels;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor z = in[0];
        if (z.rank() != 2) throw new IllegalArgumentException("cross-entropy: logits must be (N, C), got " + java.util.Arrays.toString(z.shape()));
        if (labels.rank() != 1 || labels.dim(0) != z.dim(0)) {
            throw new IllegalArgumentException("cross-entropy: " + z.dim(0) + " rows of logits but labels of shape "
                    + java.util.Arrays.toString(labels.shape()));
        }
        Tensor[] lossAndGrad = Backend.of(z).softmaxCrossEntropy(z, labels);
        ctx.save(lossAndGrad[1]);
        lossAndGrad[1].close();  // the context holds its own view
        return new Tensor[] {lossAndGrad[0]};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        return new Tensor[] {ctx.saved(0).mul(g[0].item())};
    }
}
