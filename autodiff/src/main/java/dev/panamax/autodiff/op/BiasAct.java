package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * A layer's epilogue in one op: {@code y = x + bias} over the last axis, then {@code max(y, 0)} when {@code relu}.
 * <pre>
 * saves: the output y (ReLU only; its mask, as PyTorch does)
 * dx    = g · [y > 0]   (relu; g itself without)
 * dbias = Σ over every axis but the last of dx
 * </pre>
 */
@Modes({"BiasRelu", "BiasAdd"})
public final class BiasAct extends Function {
    private final boolean relu;

    public BiasAct(boolean relu) {
        this.relu = relu;
    }

    @Override
    public String name() {
        return relu ? "BiasRelu" : "BiasAdd";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], b = in[1];
        long cols = x.rank() == 0 ? 0 : x.dim(x.rank() - 1);
        if (b.rank() != 1 || x.rank() == 0 || b.dim(0) != cols) {
            throw new IllegalArgumentException(name() + ": bias must have one value per channel of the last axis: input "
                    + Arrays.toString(x.shape()) + ", bias " + Arrays.toString(b.shape()));
        }
        if (x.dtype() != b.dtype()) {
            throw new IllegalArgumentException(name() + ": input is " + x.dtype() + " but bias is " + b.dtype());
        }
        Tensor y = Backend.of(x).biasAct(x, b, relu);
        if (relu) ctx.save(y);
        return new Tensor[] {y};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor y = relu ? ctx.saved(0) : null;
        Tensor[] d = Backend.of(g[0]).biasActBackward(g[0], y, ctx.inputShape(0), relu);
        if (!ctx.needsInputGrad(0)) {
            d[0].close();
            d[0] = null;
        }
        if (!ctx.needsInputGrad(1)) {
            d[1].close();
            d[1] = null;
        }
        return d;
    }
}
