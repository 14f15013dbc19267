package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import java.util.List;

/**
 * Gated recurrent unit (Cho et al. 2014) with PyTorch's equations and gate order (r, z, n; the reset gate applied
 * after the hidden product, as cuDNN and PyTorch do), so {@code torch.nn.GRU} weights load by name; multi-layer and
 * bidirectional as {@link RecurrentLayer} says. Each layer and direction is one {@code Gru} op.
 */
public final class GRU extends RecurrentLayer {
    /**
     * One forward GRU layer that returns its final hidden state.
     *
     * @param units the hidden size H, positive
     * @throws IllegalArgumentException when {@code units} is not positive
     */
    public GRU(int units) {
        this(units, 1, false, false);
    }

    /**
     * A stack of GRU layers.
     *
     * @param units           the hidden size H, positive
     * @param layers          how many layers are stacked, positive
     * @param bidirectional   whether each layer also runs backward in time (outputs side by side)
     * @param returnSequences whether the output is the top layer's whole sequence (T, D·units) or its final states
     *                        (D·units)
     * @throws IllegalArgumentException when {@code units} or {@code layers} is not positive
     */
    public GRU(int units, int layers, boolean bidirectional, boolean returnSequences) {
        super("gru", units, layers, bidirectional, returnSequences);
    }

    @Override
    protected int gates() {
        return 3;
    }

    @Override
    protected boolean hasCellState() {
        return false;
    }

    @Override
    protected Var[] cell(Var x, Var h0, Var c0, List<Var> p, boolean reverse) {
        return F.gru(x, h0, p.get(0), p.get(1), p.get(2), p.get(3), reverse);
    }
}
