package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * One LSTM layer in one direction over a whole sequence, PyTorch's equations, layout and gate order (i, f, g, o), so
 * weights exchange with {@code torch.nn.LSTM}: inputs {@code (x (B, T, I), h0 (B, H), c0 (B, H), weight_ih (4H, I),
 * weight_hh (4H, H), bias_ih (4H), bias_hh (4H))}, outputs {@code (y (B, T, H), hT (B, H), cT (B, H))}. F32 and F64.
 * <pre>
 * a_t = x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh = [a_i a_f a_g a_o]
 * c_t = σ(a_f)·c_{t-1} + σ(a_i)·tanh(a_g)      h_t = σ(a_o)·tanh(c_t)      y_t = h_t
 * saves: x, h0, c0, the weights, the gate activations, c and h of every step (time-major)
 * backward through time: see kernels.rnn.LstmCell; dW_ih = Σ_t da_tᵀ·x_t, dW_hh = Σ_t da_tᵀ·h_{t-1}, db = Σ_t da_t
 * </pre>
 * {@code reverse} runs from the last step to the first (the second direction of a bidirectional layer); {@code hT},
 * {@code cT} are then the states after step 0.
 */
@Modes({"Lstm", "LstmReverse"})
public final class Lstm extends Function {
    private final boolean reverse;

    public Lstm(boolean reverse) {
        this.reverse = reverse;
    }

    /** {@code {y, hT, cT}}: the functional entry point. */
    public static Var[] lstm(Var x, Var h0, Var c0, Var wIh, Var wHh, Var bIh, Var bHh, boolean reverse) {
        return new Lstm(reverse).apply(x, h0, c0, wIh, wHh, bIh, bHh);
    }

    @Override
    public String name() {
        return reverse ? "LstmReverse" : "Lstm";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Recurrent.check("lstm", 4, in[0], in[1], in[2], in[3], in[4], in[5], in[6]);
        Tensor[] out = Backend.of(in[0]).lstm(in[0], in[1], in[2], in[3], in[4], in[5], in[6], reverse);
        ctx.save(in[0], in[1], in[2], in[3], in[4], out[3], out[4], out[5]);
        for (int i = 3; i < 6; i++) out[i].close();  // the context holds its own views
        return new Tensor[] {out[0], out[1], out[2]};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0);
        Tensor[] d = Backend.of(x).lstmBackward(g[0], g[1], g[2], x, ctx.saved(1), ctx.saved(2), ctx.saved(3), ctx.saved(4), ctx.saved(5),
                ctx.saved(6), ctx.saved(7), reverse);
        return Recurrent.wanted(ctx, d);
    }
}
