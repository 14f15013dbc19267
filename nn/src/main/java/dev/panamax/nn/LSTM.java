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
    /**
     * One forward LSTM layer that returns its final hidden state.
     *
     * @param units the hidden size H, positive
     * @throws IllegalArgumentException when {@code units} is not positive
     */
    public LSTM(int units) {
        this(units, 1, false, false);
    }

    /**
     * A stack of LSTM layers.
     *
     * @param units           the hidden size H, positive
     * @param layers          how many layers are stacked, positive
     * @param bidirectional   whether each layer also runs backward in time (outputs side by side)
     * @param returnSequences whether the output is the top layer's whole sequence (T, D·units) or its final states
     *                        (D·units)
     * @throws IllegalArgumentException when {@code units} or {@code layers} is not positive
     */
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
