package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * A bias over the last axis, then GELU ({@link Gelu}'s exact or tanh form), as one op: {@code y = gelu(x + bias)},
 * the biased sum never stored (a transformer MLP's first projection).
 * <pre>
 * saves: x, bias (the sum is recomputed)
 * dx    = g · gelu'(x + bias)
 * dbias = Σ over every axis but the last of dx
 * </pre>
 */
@Modes({"BiasGelu", "BiasGeluTanh"})
public final class BiasGelu extends Function {
    private final boolean tanh;

    /** The tanh approximation when {@code tanh}, else the exact form. */
    public BiasGelu(boolean tanh) {
        this.tanh = tanh;
    }

    @Override
    public String name() {
        return tanh ? "BiasGeluTanh" : "BiasGelu";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], b = in[1];
        if (b.rank() != 1 || x.rank() == 0 || b.dim(0) != x.dim(x.rank() - 1)) {
            throw new IllegalArgumentException(name() + ": bias must have one value per channel of the last axis: input "
                    + Arrays.toString(x.shape()) + ", bias " + Arrays.toString(b.shape()));
        }
        if (!x.dtype().isFloating() || b.dtype() != x.dtype()) {
            throw new IllegalArgumentException(name() + ": input and bias must both be F32 or both F64, got " + x.dtype() + " and " + b.dtype());
        }
        ctx.save(x, b);
        return new Tensor[] {Backend.of(x).biasGelu(x, b, tanh)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor[] d = Backend.of(g[0]).biasGeluBackward(g[0], ctx.saved(0), ctx.saved(1), tanh);
        for (int i = 0; i < 2; i++) {
            if (!ctx.needsInputGrad(i)) {
                d[i].close();
                d[i] = null;
            }
        }
        return d;
    }
}
