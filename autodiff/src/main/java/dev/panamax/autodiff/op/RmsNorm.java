package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * RMSNorm over the last axis (as in LLaMA): {@code y = x / sqrt(mean(x²) + eps) · weight}, inputs {@code (x, weight)}
 * with {@code weight} one value per channel of the last axis. F32 and F64.
 * <pre>
 * saves: x, weight, rstd = 1/sqrt(mean(x²) + eps) per row
 * dx = rstd·(g·w - x·rstd²·mean(g·w·x)),  dweight = Σ_rows g·x·rstd
 * </pre>
 */
public final class RmsNorm extends Function {
    private final double eps;

    public RmsNorm(double eps) {
        if (!(eps > 0)) throw new IllegalArgumentException("rms_norm: eps must be positive, got " + eps);
        this.eps = eps;
    }

    /** {@code x / sqrt(mean(x²) + eps) · weight} over the last axis: the functional entry point. */
    public static Var rmsNorm(Var x, Var weight, double eps) {
        return new RmsNorm(eps).apply1(x, weight);
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], w = in[1];
        if (x.rank() == 0 || w.rank() != 1 || w.dim(0) != x.dim(x.rank() - 1)) {
            throw new IllegalArgumentException("rms_norm: weight must have one value per channel of the last axis: input "
                    + Arrays.toString(x.shape()) + ", weight " + Arrays.toString(w.shape()));
        }
        if (!x.dtype().isFloating() || x.dtype() != w.dtype()) {
            throw new IllegalArgumentException("rms_norm: input and weight must both be F32 or both F64, got " + x.dtype() + ", " + w.dtype());
        }
        Tensor[] out = Backend.of(x).rmsNorm(x, w, eps);
        ctx.save(x, w, out[1]);
        out[1].close();  // the context holds its own view
        return new Tensor[] {out[0]};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0), w = ctx.saved(1), rstd = ctx.saved(2);
        return Backend.of(x).rmsNormBackward(g[0], x, w, rstd);
    }
}
