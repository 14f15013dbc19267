package dev.panamax.nn.optim;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Base of the optimizers: a learning rate (fixed or from a {@link LearningRateSchedule}), optional gradient
 * clipping (Keras' {@code clipvalue}, {@code clipnorm} per parameter, {@code global_clipnorm}), and per-parameter
 * state buffers that live as long as their parameter. Subclasses implement one in-place update.
 */
public abstract class Optimizer {
    private double learningRate;
    private LearningRateSchedule schedule;
    private double clipValue, clipNorm, clipGlobalNorm;
    private final Map<Var, Tensor[]> state = new IdentityHashMap<>();
    protected long iterations;

    protected Optimizer(double learningRate) {
        if (!(learningRate > 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be positive, got " + learningRate);
        this.learningRate = learningRate;
    }

    /** The learning rate of the next step. */
    public double learningRate() {
        return schedule != null ? schedule.at(iterations) : learningRate;
    }

    /** Sets a fixed learning rate (ReduceLROnPlateau uses this); clears any schedule. */
    public void setLearningRate(double lr) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        this.learningRate = lr;
        this.schedule = null;
    }

    public Optimizer schedule(LearningRateSchedule s) {
        this.schedule = s;
        return this;
    }

    /** Clips every gradient element to [-v, v]. */
    public Optimizer clipValue(double v) {
        this.clipValue = v;
        return this;
    }

    /** Rescales each parameter's gradient to L2 norm at most {@code n}. */
    public Optimizer clipNorm(double n) {
        this.clipNorm = n;
        return this;
    }

    /** Rescales all gradients together so their joint L2 norm is at most {@code n}. */
    public Optimizer clipGlobalNorm(double n) {
        this.clipGlobalNorm = n;
        return this;
    }

    public long iterations() {
        return iterations;
    }

    /** Parameters weight decay leaves alone: biases, norms, embeddings (PyTorch's parameter groups, nanoGPT's rule). */
    private final Set<Var> exemptFromDecay = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Whether the parameter being updated takes weight decay; read by {@link #update}. */
    private boolean decayCurrent = true;

    /** Exempts {@code params} from weight decay (their updates ignore it); others keep it. */
    public Optimizer withoutWeightDecay(Collection<Var> params) {
        exemptFromDecay.addAll(params);
        return this;
    }

    /** Inside {@link #update}: whether weight decay applies to the parameter being updated. */
    protected final boolean decaysCurrentParameter() {
        return decayCurrent;
    }

    /** One update of every parameter that has a gradient. */
    public final void step(List<Var> params) {
        double lr = learningRate();
        iterations++;
        double global = 1;
        if (clipGlobalNorm > 0) {
            double sq = 0;
            for (Var p : params) if (p.grad() != null) sq += squaredNorm(p.grad());
            double norm = Math.sqrt(sq);
            if (norm > clipGlobalNorm) global = clipGlobalNorm / norm;
        }
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            if (global != 1) g.mulInPlace(global);
            if (clipNorm > 0) {
                double n = Math.sqrt(squaredNorm(g));
                if (n > clipNorm) g.mulInPlace(clipNorm / n);
            }
            if (clipValue > 0) {
                try (Tensor c = g.clamp(-clipValue, clipValue)) {
                    g.copyFrom(c);
                }
            }
            Tensor w = p.value();
            if (!w.isContiguous() || !g.isContiguous() || w.dtype() != DType.F32) {
                throw new IllegalStateException(getClass().getSimpleName() + ": parameters must be contiguous F32");
            }
            decayCurrent = !exemptFromDecay.contains(p);
            update(w, g, state.computeIfAbsent(p, k -> newState(w)), lr);
            w.markModified();
        }
    }

    /** {@code Σ g²}: one backend pass over a contiguous gradient (no squared copy), tensor ops otherwise. */
    private static double squaredNorm(Tensor g) {
        if (g.isContiguous() && g.dtype().isFloating()) return Backend.of(g).sumOfSquares(g.dtype(), g.segment(), g.offset(), g.numel());
        try (Tensor sq = g.square(); Tensor s = sq.sum()) {
            return s.item();
        }
    }

    /** How many state buffers (shaped like the parameter) this optimizer keeps, and their initial value. */
    protected abstract int stateBuffers();

    protected double initialState() {
        return 0;
    }

    private Tensor[] newState(Tensor w) {
        Tensor[] s = new Tensor[stateBuffers()];
        for (int i = 0; i < s.length; i++) s[i] = MemoryScope.move(Tensor.full(w.dtype(), initialState(), w.shape()), w.owner());
        return s;
    }

    /** {@code w} updated in place from gradient {@code g} with learning rate {@code lr}; step number is {@link #iterations}. */
    protected abstract void update(Tensor w, Tensor g, Tensor[] state, double lr);

    /** The state buffers of {@code params} by name ({@code "<param index>.<buffer index>"}), for checkpoints. */
    public Map<String, Tensor> stateTensors(List<Var> params) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor[] st = state.get(params.get(i));
            if (st == null) continue;
            for (int k = 0; k < st.length; k++) out.put(i + "." + k, st[k]);
        }
        return out;
    }

    /** Restores state saved by {@link #stateTensors} and the step count, so training resumes exactly. */
    public void restore(List<Var> params, Map<String, Tensor> saved, long iterations) {
        for (int i = 0; i < params.size(); i++) {
            Var p = params.get(i);
            if (!saved.containsKey(i + ".0")) continue;
            Tensor[] st = state.computeIfAbsent(p, k -> newState(p.value()));
            for (int k = 0; k < st.length; k++) {
                Tensor t = saved.get(i + "." + k);
                if (t == null || !java.util.Arrays.equals(t.shape(), st[k].shape())) {
                    throw new IllegalArgumentException("optimizer state for parameter " + i + " does not fit: expected "
                            + java.util.Arrays.toString(st[k].shape()));
                }
                st[k].copyFrom(t);
            }
        }
        this.iterations = iterations;
    }

    /** Frees the state buffers. */
    public void close() {
        state.values().forEach(ts -> {
            for (Tensor t : ts) t.close();
        });
        state.clear();
    }
}
