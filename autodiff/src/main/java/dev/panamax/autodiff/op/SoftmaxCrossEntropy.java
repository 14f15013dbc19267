package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;

/**
 * Mean sparse categorical cross-entropy from logits {@code (N, C)} and integer labels {@code (N)}, softmax
 * fused in: {@code loss = mean_r(logsumexp(z_r) - z_r[label_r])}, {@code dz = (softmax(z) - onehot) / N · g}.
 * Computed with max-shifted tensor ops in the input's precision, so F32 training and F64 gradient checks run
 * the same code; the one-pass {@code kernels.SoftmaxCrossEntropy} is the faster path the model API can use.
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
        try (Tensor lab = labels.to(DType.I64); Tensor onehot = lab.oneHot((int) z.dim(1)); Tensor oh = onehot.to(z.dtype());
             Tensor m = z.max(new int[] {1}, true); Tensor sh = z.sub(m); Tensor e = sh.exp(); Tensor s = e.sum(new int[] {1}, true);
             Tensor ls = s.log(); Tensor logp = sh.sub(ls); Tensor picked = logp.mul(oh); Tensor tot = picked.sum()) {
            Tensor p = e.div(s);
            ctx.save(p, oh);
            p.close();
            return new Tensor[] {tot.mul(-1.0 / z.dim(0))};
        }
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor p = ctx.saved(0), oh = ctx.saved(1);
        double scale = g[0].item() / p.dim(0);
        try (Tensor d = p.sub(oh)) {
            return new Tensor[] {d.mul(scale)};
        }
    }
}
