package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/** Joins its inputs along {@code axis}; each input's gradient is its slice of the output's. */
public final class Concat extends Function {
    private final int axis;

    public Concat(int axis) {
        this.axis = axis;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        return new Tensor[] {Tensor.concat(axis, in)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        int n = g[0].rank();
        int a = axis < 0 ? axis + n : axis;
        Tensor[] out = new Tensor[ctx.inputCount()];
        long at = 0;
        for (int i = 0; i < out.length; i++) {
            long len = ctx.inputShape(i)[a];
            if (ctx.needsInputGrad(i)) {
                try (Tensor s = g[0].slice(a, at, at + len)) {
                    out[i] = s.contiguous();
                }
            }
            at += len;
        }
        return out;
    }
}
