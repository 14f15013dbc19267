package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * Softmax along {@code axis}, or log-softmax when {@code log}: max-shifted so large logits cannot overflow.
 * <pre>
 * saves: the output y
 * softmax:     dx = y · (g - Σ_axis g·y)
 * log-softmax: dx = g - exp(y) · Σ_axis g
 * </pre>
 */
@Modes({"Softmax", "LogSoftmax"})
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
        Tensor y = Backend.of(in[0]).softmax(in[0], axis, log);
        ctx.save(y);
        return new Tensor[] {y};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor y = ctx.saved(0);
        return new Tensor[] {Backend.of(y).softmaxBackward(g[0], y, axis, log)};
    }
}
