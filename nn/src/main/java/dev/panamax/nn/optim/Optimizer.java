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
    /** The rate given at construction: a group's own rate is scaled by {@code learningRate() / baseLearningRate}. */
    private final double baseLearningRate;
    private LearningRateSchedule schedule;
    private final Map<Var, ParamGroup> groups = new IdentityHashMap<>();
    /** The group of the parameter being updated, or null; read by {@link #weightDecay}. */
    private ParamGroup currentGroup;
    private double clipValue, clipNorm, clipGlobalNorm;
    private final Map<Var, Tensor[]> state = new IdentityHashMap<>();
    /** The number of steps taken; {@link #update} reads it (bias correction). */
    protected long iterations;

    /**
     * An optimizer with a fixed rate.
     *
     * @param learningRate the learning rate, positive
     * @throws IllegalArgumentException when it is not positive
     */
    protected Optimizer(double learningRate) {
        if (!(learningRate > 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be positive, got " + learningRate);
        this.learningRate = learningRate;
        this.baseLearningRate = learningRate;
    }

    /**
     * Updates {@code group}'s parameters with its own learning rate and weight decay (PyTorch's
     * {@code add_param_group}). A schedule or {@link #setLearningRate} scales a group's rate in proportion to the
     * optimizer's: a group at a tenth of the rate stays at a tenth. A parameter belongs to at most one group.
     *
     * @param group the parameters and their settings
     * @return this optimizer
     * @throws IllegalArgumentException when a parameter is already in a group, or the group sets a weight decay
     *     and this optimizer has none
     */
    public Optimizer addParamGroup(ParamGroup group) {
        if (!Double.isNaN(group.weightDecay()) && group.weightDecay() != 0 && !supportsWeightDecay()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no weight decay; use Sgd or Adam for a "
                    + "group with weightDecay(" + group.weightDecay() + ")");
        }
        for (Var p : group.params()) {
            if (groups.containsKey(p)) throw new IllegalArgumentException("addParamGroup: a parameter " + p + " is already in a group");
        }
        for (Var p : group.params()) groups.put(p, group);
        return this;
    }

    /**
     * The groups added with {@link #addParamGroup}, each once, in no particular order.
     *
     * @return the groups
     */
    public List<ParamGroup> paramGroups() {
        return groups.values().stream().distinct().toList();
    }

    /**
     * Whether the optimizer has a weight decay that {@link #weightDecay} can switch per group; false unless a
     * subclass says so.
     *
     * @return true when the update applies a weight decay
     */
    protected boolean supportsWeightDecay() {
        return false;
    }

    /**
     * Inside {@link #update}: the weight decay for the parameter being updated: its group's, else {@code own}
     * unless the parameter is exempt ({@link #withoutWeightDecay}).
     *
     * @param own the optimizer's weight decay
     * @return the decay to apply
     */
    protected final float weightDecay(float own) {
        if (currentGroup != null && !Double.isNaN(currentGroup.weightDecay())) return (float) currentGroup.weightDecay();
        return decayCurrent ? own : 0f;
    }

    /** {@return the learning rate of the next step (the schedule's, when one is set)} */
    public double learningRate() {
        return schedule != null ? schedule.at(iterations) : learningRate;
    }

    /**
     * Sets a fixed learning rate (ReduceLROnPlateau uses this); clears any schedule.
     *
     * @param lr the new rate, positive
     * @throws IllegalArgumentException when it is not positive
     */
    public void setLearningRate(double lr) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        this.learningRate = lr;
        this.schedule = null;
    }

    /**
     * Makes the learning rate follow {@code s} from the current step on.
     *
     * @param s the schedule, or null for the fixed rate
     * @return this optimizer
     */
    public Optimizer schedule(LearningRateSchedule s) {
        this.schedule = s;
        return this;
    }

    /**
     * Clips every gradient element to [-v, v].
     *
     * @param v the bound, positive; 0 turns it off
     * @return this optimizer
     */
    public Optimizer clipValue(double v) {
        this.clipValue = v;
        return this;
    }

    /**
     * Rescales each parameter's gradient to L2 norm at most {@code n}.
     *
     * @param n the bound, positive; 0 turns it off
     * @return this optimizer
     */
    public Optimizer clipNorm(double n) {
        this.clipNorm = n;
        return this;
    }

    /**
     * Rescales all gradients together so their joint L2 norm is at most {@code n}.
     *
     * @param n the bound, positive; 0 turns it off
     * @return this optimizer
     */
    public Optimizer clipGlobalNorm(double n) {
        this.clipGlobalNorm = n;
        return this;
    }

    /** {@return the number of steps taken so far} */
    public long iterations() {
        return iterations;
    }

    /** Parameters weight decay leaves alone: biases, norms, embeddings (PyTorch's parameter groups, nanoGPT's rule). */
    private final Set<Var> exemptFromDecay = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Whether the parameter being updated takes weight decay; read by {@link #update}. */
    private boolean decayCurrent = true;

    /**
     * Exempts {@code params} from weight decay (their updates ignore it); others keep it.
     *
     * @param params the parameters to exempt
     * @return this optimizer
     */
    public Optimizer withoutWeightDecay(Collection<Var> params) {
        exemptFromDecay.addAll(params);
        return this;
    }

    /** {@return inside {@link #update}: whether weight decay applies to the parameter being updated} */
    protected final boolean decaysCurrentParameter() {
        return decayCurrent;
    }

    /**
     * One update of every parameter that has a gradient and is not frozen ({@link Var#requiresGrad()} false).
     *
     * @param params the parameters, each with its gradient; those without one are skipped
     * @throws IllegalStateException when a parameter is not contiguous F32
     */
    public final void step(List<Var> params) {
        double lr = learningRate();
        iterations++;
        double global = 1;
        if (clipGlobalNorm > 0) {
            double sq = 0;
            for (Var p : params) if (p.requiresGrad() && p.grad() != null) sq += squaredNorm(p.grad());
            double norm = Math.sqrt(sq);
            if (norm > clipGlobalNorm) global = clipGlobalNorm / norm;
        }
        for (Var p : params) {
            if (!p.requiresGrad()) continue;  // frozen: a stale gradient from before freezing must not move it
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
            currentGroup = groups.get(p);
            double plr = currentGroup == null || Double.isNaN(currentGroup.learningRate()) ? lr
                    : currentGroup.learningRate() * (lr / baseLearningRate);
            update(w, g, state.computeIfAbsent(p, k -> newState(w)), plr);
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

    /** {@return how many state buffers (shaped like the parameter) this optimizer keeps} */
    protected abstract int stateBuffers();

    /** {@return the value the state buffers start at (0 unless a subclass says otherwise)} */
    protected double initialState() {
        return 0;
    }

    private Tensor[] newState(Tensor w) {
        Tensor[] s = new Tensor[stateBuffers()];
        for (int i = 0; i < s.length; i++) s[i] = MemoryScope.move(Tensor.full(w.dtype(), initialState(), w.shape()), w.owner());
        return s;
    }

    /**
     * {@code w} updated in place from gradient {@code g} with learning rate {@code lr}; step number is {@link #iterations}.
     *
     * @param w     the parameter, contiguous F32
     * @param g     its gradient, contiguous F32
     * @param state this parameter's state buffers, shaped like it
     * @param lr    the learning rate of this step and parameter
     */
    protected abstract void update(Tensor w, Tensor g, Tensor[] state, double lr);

    /**
     * The state buffers of {@code params} by name ({@code "<param index>.<buffer index>"}), for checkpoints.
     *
     * @param params the parameters, in the order their indices name
     * @return the optimizer's own buffers (not copies), by name
     */
    public Map<String, Tensor> stateTensors(List<Var> params) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor[] st = state.get(params.get(i));
            if (st == null) continue;
            for (int k = 0; k < st.length; k++) out.put(i + "." + k, st[k]);
        }
        return out;
    }

    /**
     * Restores state saved by {@link #stateTensors} and the step count, so training resumes exactly.
     *
     * @param params     the parameters, in the order they were saved
     * @param saved      the buffers by name, as {@link #stateTensors} gave them
     * @param iterations the step count to resume from
     * @throws IllegalArgumentException when a buffer is missing or of another shape
     */
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
