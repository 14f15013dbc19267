package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * GELU: exact, {@code x·Φ(x)} with Φ the standard normal CDF (PyTorch's and Keras' default), or the tanh
 * approximation {@code x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2} (GPT-2's, PyTorch's {@code approximate='tanh'}).
 * <pre>
 * saves: x
 * dx = g · gelu'(x)
 * </pre>
 */
@Modes({"Gelu", "GeluTanh"})
public final class Gelu extends Function {
    private final boolean tanh;

    /** The exact form. */
    public Gelu() {
        this(false);
    }

    /** The tanh approximation when {@code tanh}, else the exact form. */
    public Gelu(boolean tanh) {
        this.tanh = tanh;
    }

    @Override
    public String name() {
        return tanh ? "GeluTanh" : "Gelu";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0];
        if (!x.dtype().isFloating()) throw new IllegalArgumentException(name() + ": input must be F32 or F64, got " + x.dtype());
        ctx.save(x);
        return new Tensor[] {Backend.of(x).gelu(x, tanh)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0);
        return new Tensor[] {Backend.of(x).geluBackward(g[0], x, tanh)};
    }
}
