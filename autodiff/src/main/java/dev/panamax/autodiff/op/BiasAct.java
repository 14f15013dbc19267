package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.kernels.Fused;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * A layer's epilogue in one op: {@code y = x + bias} over the last axis, then {@code max(y, 0)} when {@code relu}.
 * <pre>
 * dx    = g · [y > 0]   (relu; g itself without)
 * dbias = Σ over every axis but the last of dx
 * </pre>
 * Contiguous F32 runs the fused {@link Fused#biasActRows} kernels (one pass forward, one backward, the ReLU
 * mask read from the saved output, as PyTorch does); other dtypes and views take the same steps with tensor ops.
 */
public final class BiasAct extends Function {
    private final boolean relu;

    public BiasAct(boolean relu) {
        this.relu = relu;
    }

    @Override
    public String name() {
        return relu ? "BiasRelu" : "BiasAdd";
    }

    private static boolean fused(Tensor a, Tensor b) {
        return a.dtype() == DType.F32 && b.dtype() == DType.F32 && a.isContiguous() && b.isContiguous();
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
        Tensor y;
        if (fused(x, b)) {
            y = Tensor.empty(DType.F32, x.shape());
            Fused.biasActRows(y.segment(), 0, x.segment(), x.offset(), b.segment(), b.offset(), x.numel() / Math.max(1, cols), cols, relu);
        } else if (relu) {
            try (Tensor sum = x.add(b)) {
                y = sum.relu();
            }
        } else {
            y = x.add(b);
        }
        if (relu) ctx.save(y);
        return new Tensor[] {y};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        long[] shape = ctx.inputShape(0);
        long cols = shape[shape.length - 1], rows = Arrays.stream(shape).reduce(1, Math::multiplyExact) / Math.max(1, cols);
        Tensor y = relu ? ctx.saved(0) : null;
        Tensor gy = g[0];
        if (fused(gy, gy) && (y == null || fused(y, y))) {
            Tensor gx = relu ? Tensor.empty(DType.F32, shape) : null;
            Tensor gb = Tensor.empty(DType.F32, cols);
            Fused.biasActBackwardRows(relu ? gx.segment() : null, 0, gy.segment(), gy.offset(), relu ? y.segment() : gy.segment(),
                    relu ? y.offset() : gy.offset(), gb.segment(), 0, rows, cols, relu);
            // Without ReLU the input gradient is g itself: a new view of it, since the engine may close g.
            return new Tensor[] {ctx.needsInputGrad(0) ? relu ? gx : gy.reshape(shape) : null, ctx.needsInputGrad(1) ? gb : null};
        }
        Tensor gx;
        if (relu) {
            try (Tensor mask = y.gt(0); Tensor m = mask.to(gy.dtype())) {
                gx = gy.mul(m);
            }
        } else {
            gx = gy.reshape(shape);
        }
        Tensor gb = Grads.sumTo(gx, ctx.inputShape(1));
        return new Tensor[] {ctx.needsInputGrad(0) ? gx : null, ctx.needsInputGrad(1) ? gb : null};
    }
}
