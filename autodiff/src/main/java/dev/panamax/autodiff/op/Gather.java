package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;

/**
 * {@code out[..i..] = x[..index[..i..]..]} along {@code axis} (torch.gather); the gradient scatters each
 * output element back to the position it was read from, adding where an index repeats.
 */
public final class Gather extends Function {
    private final int axis;
    private final Tensor index;

    public Gather(int axis, Tensor index) {
        this.axis = axis;
        this.index = index;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        ctx.save(index);
        return new Tensor[] {in[0].gather(axis, index)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        long[] shape = ctx.inputShape(0);
        int a = axis < 0 ? axis + shape.length : axis;
        Tensor idx = ctx.saved(0);
        long[] is = idx.shape();
        double[] gv;
        long[] iv;
        try (Tensor gc = g[0].to(DType.F64); Tensor ic = idx.to(DType.I64)) {
            gv = gc.toDoubleArray();
            iv = ic.toLongArray();
        }
        double[] dx = new double[(int) java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
        long[] pos = new long[is.length];
        for (int e = 0; e < gv.length; e++) {
            long flat = 0;
            for (int d = 0; d < shape.length; d++) flat = flat * shape[d] + (d == a ? iv[e] : pos[d]);
            dx[(int) flat] += gv[e];
            for (int d = is.length - 1; d >= 0; d--) {
                if (++pos[d] < is[d]) break;
                pos[d] = 0;
            }
        }
        try (Tensor t = Tensor.of(dx, shape)) {
            return new Tensor[] {t.to(g[0].dtype())};
        }
    }
}
