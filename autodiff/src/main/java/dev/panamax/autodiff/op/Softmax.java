package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.tensors.Tensor;

/**
 * Softmax along {@code axis}, or log-softmax when {@code log}: max-shifted so large logits cannot overflow.
 * <pre>
 * softmax:     dx = y · (g - Σ_axis g·y)
 * log-softmax: dx = g - exp(y) · Σ_axis g
 * </pre>
 */
public final class Softmax extends Function {
    private final int axis;
    private final boolean log;

    public Softmax(int axis, boolean log) {
        this.axis = axis;
        this.log = log;
    }

    @Override
    public String name() {
        return log ? "LogSoftmax" : "Softmax";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        int[] ax = {axis};
        Tensor x = in[0];
        Tensor y;
        if (x.dtype() == dev.panamax.tensors.DType.F32 && x.isContiguous() && x.rank() > 0
                && (axis == -1 || axis == x.rank() - 1)) {
            // Rows of the last axis: the fused max-shifted kernels, one pass per row instead of five tensor ops.
            long cols = x.dim(x.rank() - 1), rows = cols == 0 ? 0 : x.numel() / cols;
            y = Tensor.empty(x.dtype(), x.shape());
            if (log) dev.panamax.kernels.Fused.logSoftmaxRows(y.segment(), 0, x.segment(), x.offset(), rows, cols);
            else dev.panamax.kernels.Fused.softmaxRows(y.segment(), 0, x.segment(), x.offset(), rows, cols);
            ctx.save(y);
            return new Tensor[] {y};
        }
        try (Tensor m = in[0].max(ax, true); Tensor shifted = in[0].sub(m); Tensor e = shifted.exp(); Tensor s = e.sum(ax, true)) {
            if (log) {
                try (Tensor ls = s.log()) {
                    y = shifted.sub(ls);
                }
            } else {
                y = e.div(s);
            }
        }
        ctx.save(y);
        return new Tensor[] {y};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor y = ctx.saved(0);
        int[] ax = {axis};
        if (log) {
            try (Tensor s = g[0].sum(ax, true); Tensor p = y.exp(); Tensor ps = p.mul(s)) {
                return new Tensor[] {g[0].sub(ps)};
            }
        }
        try (Tensor gy = g[0].mul(y); Tensor s = gy.sum(ax, true); Tensor d = g[0].sub(s)) {
            return new Tensor[] {y.mul(d)};
        }
    }
}
