package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * One GRU layer in one direction over a whole sequence, PyTorch's equations, layout and gate order (r, z, n), so
 * weights exchange with {@code torch.nn.GRU}: inputs {@code (x (B, T, I), h0 (B, H), weight_ih (3H, I),
 * weight_hh (3H, H), bias_ih (3H), bias_hh (3H))}, outputs {@code (y (B, T, H), hT (B, H))}. F32 and F64.
 * <pre>
 * gi = x_t·W_ihᵀ + b_ih, gh = h_{t-1}·W_hhᵀ + b_hh     r = σ(gi_r + gh_r)  z = σ(gi_z + gh_z)
 * n = tanh(gi_n + r·gh_n)     h_t = (1 - z)·n + z·h_{t-1}     y_t = h_t
 * saves: x, h0, the weights, [r z n gh_n] and h of every step (time-major)
 * backward through time: see kernels.rnn.GruCell
 * </pre>
 * {@code reverse} runs from the last step to the first; {@code hT} is then the state after step 0.
 */
@Modes({"Gru", "GruReverse"})
public final class Gru extends Function {
    private final boolean reverse;

    public Gru(boolean reverse) {
        this.reverse = reverse;
    }

    /** {@code {y, hT}}: the functional entry point. */
    public static Var[] gru(Var x, Var h0, Var wIh, Var wHh, Var bIh, Var bHh, boolean reverse) {
        return new Gru(reverse).apply(x, h0, wIh, wHh, bIh, bHh);
    }

    @Override
    public String name() {
        return reverse ? "GruReverse" : "Gru";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Recurrent.check("gru", 3, in[0], in[1], null, in[2], in[3], in[4], in[5]);
        Tensor[] out = Backend.of(in[0]).gru(in[0], in[1], in[2], in[3], in[4], in[5], reverse);
        ctx.save(in[0], in[1], in[2], in[3], out[2], out[3]);
        out[2].close();  // the context holds its own views
        out[3].close();
        return new Tensor[] {out[0], out[1]};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0);
        Tensor[] d = Backend.of(x).gruBackward(g[0], g[1], x, ctx.saved(1), ctx.saved(2), ctx.saved(3), ctx.saved(4), ctx.saved(5), reverse);
        return Recurrent.wanted(ctx, d);
    }
}
