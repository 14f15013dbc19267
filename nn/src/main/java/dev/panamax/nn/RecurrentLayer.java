package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link LSTM} and {@link GRU} share: a stack of {@code layers} recurrent layers over {@code (T, features)}
 * inputs, each in one or two directions, with PyTorch's parameters and names per layer and direction
 * ({@code weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, …}), so a {@code state_dict}
 * loads as it is. Initialised as PyTorch does: every weight and bias uniform in {@code ±1/sqrt(units)}. Layer
 * {@code l > 0} reads the previous layer's outputs, both directions side by side. Output: the top layer's
 * {@code (T, D·units)} sequence with {@code returnSequences}, else its final hidden states {@code (D·units)} (the
 * forward direction after the last step, the backward one after the first, as Keras' Bidirectional).
 */
public abstract class RecurrentLayer extends Layer {
    /** The hidden size H and the number of stacked layers L. */
    protected final int units, layers;
    /** Whether each layer also runs backward in time, and whether the output is the whole sequence. */
    protected final boolean bidirectional, returnSequences;

    /**
     * The outputs {@code (B, T, D·units)} and every layer's and direction's final states, PyTorch's {@code (L·D, B, H)} order.
     *
     * @param sequence the top layer's outputs (B, T, D·units)
     * @param hidden   each layer's and direction's final hidden state (B, units), layer-major
     * @param cell     the same for the cell state (an LSTM), else empty
     */
    public record Output(Var sequence, List<Var> hidden, List<Var> cell) {}

    /**
     * For {@link LSTM} and {@link GRU}.
     *
     * @param name            the layer type's name, e.g. "lstm"
     * @param units           the hidden size, positive
     * @param layers          how many layers are stacked, positive
     * @param bidirectional   whether each layer also runs backward in time
     * @param returnSequences whether the output is the whole sequence or the final states
     * @throws IllegalArgumentException when {@code units} or {@code layers} is not positive
     */
    protected RecurrentLayer(String name, int units, int layers, boolean bidirectional, boolean returnSequences) {
        super(name);
        if (units <= 0 || layers <= 0) {
            throw new IllegalArgumentException(name + ": units and layers must be positive, got " + units + " units, " + layers + " layers");
        }
        this.units = units;
        this.layers = layers;
        this.bidirectional = bidirectional;
        this.returnSequences = returnSequences;
    }

    /** {@return the gates per cell: 4 for an LSTM, 3 for a GRU} */
    protected abstract int gates();

    /**
     * One layer and direction over {@code x (B, T, I)} from {@code h0} (and {@code c0}): {@code {y, hT[, cT]}}.
     *
     * @param x       the layer's input (B, T, I)
     * @param h0      the initial hidden state (B, H)
     * @param c0      the initial cell state (B, H), or null without one
     * @param p       this layer and direction's parameters: weight_ih, weight_hh, bias_ih, bias_hh
     * @param reverse whether to run from the last step to the first
     * @return the outputs (B, T, H), the final hidden state, and the final cell state if any
     */
    protected abstract Var[] cell(Var x, Var h0, Var c0, List<Var> p, boolean reverse);

    /** {@return whether the cell has a second state (the LSTM's c)} */
    protected abstract boolean hasCellState();

    int directions() {
        return bidirectional ? 2 : 1;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 2) {
            throw new IllegalArgumentException(name() + ": expects (time, features) inputs, got " + Arrays.toString(in)
                    + "; reshape a univariate series to (time, 1)");
        }
        long out = (long) directions() * units;
        return returnSequences ? new long[] {in[0], out} : new long[] {out};
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        double k = 1 / Math.sqrt(units);
        long g = (long) gates() * units;
        for (int l = 0; l < layers; l++) {
            long features = l == 0 ? in[1] : (long) directions() * units;
            for (int d = 0; d < directions(); d++) {
                params.add(Var.param(Tensor.uniform(rng, -k, k, DType.F32, g, features)));
                params.add(Var.param(Tensor.uniform(rng, -k, k, DType.F32, g, units)));
                params.add(Var.param(Tensor.uniform(rng, -k, k, DType.F32, g)));
                params.add(Var.param(Tensor.uniform(rng, -k, k, DType.F32, g)));
            }
        }
    }

    @Override
    public List<String> paramNames() {
        List<String> n = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < directions(); d++) {
                String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
                for (String p : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh")) n.add(p + suffix);
            }
        }
        return n;
    }

    /**
     * The whole stack over {@code x (B, T, I)} from initial states {@code h0} (and {@code c0} for an LSTM), each
     * {@code (L·D, B, units)} as in PyTorch, or null for zeros.
     *
     * @param x  the input (B, T, I)
     * @param h0 the initial hidden states, or null for zeros
     * @param c0 the initial cell states (LSTM), or null for zeros
     * @return the output sequence and every final state
     * @throws IllegalArgumentException when {@code x} is not 3-D or a state has the wrong shape
     */
    public Output run(Var x, Var h0, Var c0) {
        long[] s = x.shape();
        if (s.length != 3) throw new IllegalArgumentException(name() + ": expects (batch, time, features) inputs, got " + Arrays.toString(s));
        long[] want = {(long) layers * directions(), s[0], units};
        for (Var st : new Var[] {h0, c0}) {
            if (st != null && !Arrays.equals(st.shape(), want)) {
                throw new IllegalArgumentException(name() + ": initial states must be (layers·directions, batch, units) = "
                        + Arrays.toString(want) + ", got " + Arrays.toString(st.shape()));
            }
        }
        List<Var> hs = new ArrayList<>(), cs = new ArrayList<>();
        Var in = x;
        for (int l = 0; l < layers; l++) {
            Var[] dirs = new Var[directions()];
            for (int d = 0; d < directions(); d++) {
                int k = l * directions() + d;
                Var hi = initial(h0, k, s[0], x), ci = hasCellState() ? initial(c0, k, s[0], x) : null;
                Var[] out = cell(in, hi, ci, params.subList(4 * k, 4 * k + 4), d == 1);
                dirs[d] = out[0];
                hs.add(out[1]);
                if (hasCellState()) cs.add(out[2]);
            }
            in = dirs.length == 1 ? dirs[0] : F.concat(2, dirs);
        }
        return new Output(in, hs, cs);
    }

    private Var initial(Var states, int k, long batch, Var x) {
        if (states == null) return Var.of(Tensor.zeros(x.value().dtype(), batch, units));
        return F.reshape(F.slice(states, 0, k, k + 1, 1), batch, units);
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        Output o = run(x, null, null);
        if (returnSequences) return o.sequence();
        List<Var> top = o.hidden().subList(o.hidden().size() - directions(), o.hidden().size());
        return top.size() == 1 ? top.get(0) : F.concat(1, top.toArray(Var[]::new));
    }

    @Override
    public String configJson() {
        return "{\"units\": " + units + ", \"layers\": " + layers + ", \"bidirectional\": " + bidirectional + ", \"return_sequences\": "
                + returnSequences + "}";
    }
}
