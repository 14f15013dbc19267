package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;

/**
 * The slices at {@code index} along {@code axis} (an embedding lookup is this on axis 0); the gradient adds
 * each output slice back into the slice it came from, so repeated indices accumulate.
 */
public final class IndexSelect extends Function {
    private final int axis;
    private final Tensor index;

    public IndexSelect(int axis, Tensor index) {
        this.axis = axis;
        this.index = index;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        ctx.save(index);  // the caller may close its index tensor before backward
        return new Tensor[] {in[0].indexSelect(axis, index)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        long[] shape = ctx.inputShape(0);
        int a = axis < 0 ? axis + shape.length : axis;
        Tensor dx = Tensor.zeros(g[0].dtype(), shape);
        long[] idx = ctx.saved(0).toLongArray();
        if (a == 0 && g[0].dtype().isFloating()) {  // an embedding's gradient: each row added into its table row in place
            long row = dx.numel() / Math.max(1, shape[0]);
            DType t = g[0].dtype();
            try (Tensor gc = g[0].contiguous()) {
                for (int i = 0; i < idx.length; i++) {
                    long k = (idx[i] < 0 ? idx[i] + shape[0] : idx[i]) * row;
                    Backend.of(dx).binary(BinaryOp.ADD, t, dx.segment(), k, dx.segment(), k, gc.segment(), gc.offset() + i * row, row);
                }
            }
            return new Tensor[] {dx};
        }
        for (int i = 0; i < idx.length; i++) {
            long k = idx[i] < 0 ? idx[i] + shape[a] : idx[i];
            try (Tensor dst = dx.select(a, k); Tensor src = g[0].select(a, i); Tensor sum = dst.add(src)) {
                dst.copyFrom(sum);
            }
        }
        return new Tensor[] {dx};
    }
}
