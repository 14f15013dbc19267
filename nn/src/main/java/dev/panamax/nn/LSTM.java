package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import java.util.List;

/**
 * Long short-term memory (Hochreiter &amp; Schmidhuber 1997) with PyTorch's equations and gate order (i, f, g, o),
 * so {@code torch.nn.LSTM} weights load by name; multi-layer and bidirectional as {@link RecurrentLayer} says. Each
 * layer and direction is one {@code Lstm} op: per step one GEMM for the four gates and a fused cell kernel.
 */
public final class LSTM extends RecurrentLayer {
    public LSTM(int units) {
        this(units, 1, false, false);
    }

    public LSTM(int units, int layers, boolean bidirectional, boolean returnSequences) {
        super("lstm", units, layers, bidirectional, returnSequences);
    }

    @Override
    protected int gates() {
        return 4;
    }

    @Override
    protected boolean hasCellState() {
        return true;
    }

    @Override
    protected Var[] cell(Var x, Var h0, Var c0, List<Var> p, boolean reverse) {
        return F.lstm(x, h0, c0, p.get(0), p.get(1), p.get(2), p.get(3), reverse);
    }
}
