package dev.panamax.autodiff;

import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A tensor on the tape: its value, whether it needs a gradient, the op that produced it, and (for leaves such
 * as parameters) the gradient accumulated so far. Gradients are <em>added</em> into {@link #grad()} until
 * {@link #zeroGrad()}, so a value used twice and accumulation over micro-batches just work.
 *
 * <pre>{@code
 * Var w = Var.param(Tensor.randn(rng, DType.F32, 3, 2));
 * Var loss = F.mean(F.square(F.matmul(Var.of(x), w)));
 * loss.backward();
 * Tensor dw = w.grad();
 * }</pre>
 *
 * A leaf's gradient lives as long as its value: it is owned by the scope that owns the value.
 */
public final class Var {
    private final Tensor value;
    private boolean requiresGrad;
    final Node creator;
    final int index;
    private Tensor grad;
    /** {@link #zeroGrad} was called and nothing accumulated since: the buffer's contents are stale and count as zeros. */
    private boolean gradZeroed;
    private List<UnaryOperator<Tensor>> hooks;
    private List<Consumer<Var>> readyHooks;
    /** How many leaves hold a gradient-ready hook: backward counts a leaf's pending contributions only when some do. */
    static final AtomicInteger READY_HOOKED = new AtomicInteger();

    Var(Tensor value, boolean requiresGrad, Node creator, int index) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.creator = creator;
        this.index = index;
    }

    /**
     * A constant: no gradient flows into it.
     *
     * @param value the value; the variable does not own it
     * @return a variable that does not require grad
     */
    public static Var of(Tensor value) {
        return new Var(value, false, null, 0);
    }

    /**
     * A leaf that collects a gradient (a parameter).
     *
     * @param value the parameter's value, F32 or F64; updated in place by optimizers
     * @return a leaf that requires grad
     * @throws IllegalArgumentException when the value is not floating point
     */
    public static Var param(Tensor value) {
        if (!value.dtype().isFloating()) {
            throw new IllegalArgumentException("param: only F32/F64 tensors can have gradients, got " + value.dtype());
        }
        return new Var(value, true, null, 0);
    }

    /** {@return the tensor this variable holds (not a copy; do not close it while the variable is used)} */
    public Tensor value() {
        return value;
    }

    /** {@return the value's shape} */
    public long[] shape() {
        return value.shape();
    }

    /**
     * Where the value lives.
     *
     * @return the value's device
     */
    public dev.panamax.tensors.Device device() {
        return value.device();
    }

    /**
     * This variable on {@code target}: itself when it is already there (the only case in a CPU-only build).
     *
     * @param target the device
     * @return this variable
     * @throws IllegalStateException when {@code target} has no backend in this build
     */
    public Var to(dev.panamax.tensors.Device target) {
        value.to(target);
        return this;
    }

    /**
     * {@return whether gradients flow into this variable (a parameter, or a value computed from one with recording
     * on)}
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Freezes ({@code false}) or unfreezes a parameter, as PyTorch's {@code requires_grad_}: ops applied to a frozen
     * parameter record nothing for it, so backward gives it no gradient and optimizers leave it alone.
     *
     * @param requiresGrad whether the leaf collects a gradient
     * @return this variable
     * @throws IllegalStateException for a value an op produced (only leaves can be frozen), or to make an integer
     *     leaf require grad
     */
    public Var setRequiresGrad(boolean requiresGrad) {
        if (creator != null) {
            throw new IllegalStateException("setRequiresGrad: only leaves (parameters, constants) can change it; this value came "
                    + "from " + creator.fn.name() + ". Use detach() to cut it off the tape");
        }
        if (requiresGrad && !value.dtype().isFloating()) {
            throw new IllegalStateException("setRequiresGrad: only F32/F64 tensors can have gradients, got " + value.dtype());
        }
        this.requiresGrad = requiresGrad;
        return this;
    }

    /** {@return true for variables no recorded op produced (parameters and constants)} */
    public boolean isLeaf() {
        return creator == null;
    }

    /** {@return the accumulated gradient of a leaf, or null before the first backward; owned by the variable} */
    public Tensor grad() {
        if (gradZeroed) {
            grad.fill(0);
            gradZeroed = false;
        }
        return grad;
    }

    /**
     * Sets the gradient to zero (the buffer is kept, so steady-state steps allocate nothing). Lazily: the next
     * gradient accumulated is copied into the buffer instead of added, which saves a pass that writes zeros and one
     * that reads them; {@link #grad()} fills the zeros if it comes first.
     */
    public void zeroGrad() {
        gradZeroed = grad != null;
    }

    /** Drops the gradient buffer (frees it). */
    public void clearGrad() {
        gradGraph = null;
        if (grad != null) grad.close();
        grad = null;
        gradZeroed = false;
    }

    /** {@return the same value, cut off from the tape: no gradient flows through it} */
    public Var detach() {
        return new Var(value, false, null, 0);
    }

    /**
     * Runs {@code hook} on this variable's gradient during backward; it may return a replacement (clipping,
     * logging, reduction across workers). On a leaf it sees each incoming contribution before accumulation.
     *
     * @param hook receives each gradient; returns a replacement, or null to keep it
     * @return this variable
     * @throws IllegalStateException when this variable does not require grad
     */
    public Var registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) throw new IllegalStateException("registerHook: this variable does not require grad");
        if (hooks == null) hooks = new ArrayList<>();
        hooks.add(hook);
        return this;
    }

    Tensor runHooks(Tensor g) {
        if (hooks == null) return g;
        for (UnaryOperator<Tensor> h : hooks) {
            Tensor r = h.apply(g);
            if (r != null) g = r;
        }
        return g;
    }

    /**
     * Runs {@code hook} with this leaf once its gradient is complete in a backward pass: after the last contribution
     * the pass will add has been accumulated (PyTorch's {@code register_post_accumulate_grad_hook}). Data-parallel
     * training starts reducing a parameter's gradient across processes from here while backward goes on with the
     * layers below. The returned action removes the hook.
     *
     * @param hook called with this variable when its gradient is complete
     * @return the action that removes the hook
     * @throws IllegalStateException when this is not a parameter (a leaf that requires grad)
     */
    public Runnable registerGradReadyHook(Consumer<Var> hook) {
        if (!requiresGrad || creator != null) throw new IllegalStateException("registerGradReadyHook: only parameters (leaves that require grad) have one");
        if (readyHooks == null) readyHooks = new ArrayList<>();
        readyHooks.add(hook);
        READY_HOOKED.incrementAndGet();
        return () -> {
            if (readyHooks.remove(hook)) READY_HOOKED.decrementAndGet();
        };
    }

    boolean hasGradReadyHooks() {
        return readyHooks != null && !readyHooks.isEmpty();
    }

    void gradReady() {
        for (Consumer<Var> h : List.copyOf(readyHooks)) h.accept(this);
    }

    void accumulate(Tensor g) {
        g = runHooks(g);
        if (grad == null) {
            grad = MemoryScope.move(g.contiguous().copy(), value.owner());
        } else if (gradZeroed) {
            grad.copyFrom(g);
            gradZeroed = false;
        } else {
            grad.addInPlace(g);
        }
    }

    /**
     * Backpropagates from this scalar: every parameter it depends on gets the gradient of this value added to its
     * {@link #grad()}. The saved tensors are freed afterwards.
     *
     * @throws IllegalStateException when this does not require grad or the graph was already backpropagated without
     *                               retainGraph
     * @throws IllegalArgumentException when this is not a scalar (pass an upstream gradient)
     */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /**
     * Backpropagates with an explicit upstream gradient (same shape as this value).
     *
     * @param upstream the gradient of some scalar with respect to this value (vector-Jacobian product); null for a
     *                 scalar's 1
     *
     * @throws IllegalArgumentException when {@code upstream} is not shaped like this value
     */
    public void backward(Tensor upstream) {
        Autograd.backward(this, upstream, false);
    }

    /**
     * Backpropagates, keeping the graph's saved tensors so a second backward is possible when {@code retainGraph}.
     *
     * @param upstream    the gradient of this output; null for a scalar's 1
     * @param retainGraph whether to keep the saved tensors for another backward
     */
    public void backward(Tensor upstream, boolean retainGraph) {
        Autograd.backward(this, upstream, retainGraph);
    }

    /**
     * Backpropagates; with {@code createGraph} the pass is recorded (PyTorch's {@code create_graph=True}): each
     * parameter's {@link #grad()} gets the values as usual, and {@link #gradVar()} the gradient as a variable that
     * can be differentiated again. The graph is kept. See {@link Gradients} for the ops that support it.
     *
     * @param upstream the gradient of this output (null for a scalar's 1)
     * @param retainGraph whether to keep the saved tensors when not creating a graph (a created graph is always kept)
     * @param createGraph whether to record the pass
     */
    public void backward(Tensor upstream, boolean retainGraph, boolean createGraph) {
        if (!createGraph) {
            Autograd.backward(this, upstream, retainGraph);
            return;
        }
        List<Var> leaves = new ArrayList<>();
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Set<Var> seenLeaves = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>();
        if (creator != null) todo.add(creator);
        else if (requiresGrad) leaves.add(this);
        while (!todo.isEmpty()) {
            Node n = todo.poll();
            if (!seen.add(n)) continue;
            for (Var in : n.inputs) {
                if (!in.requiresGrad) continue;
                if (in.creator != null) todo.add(in.creator);
                else if (seenLeaves.add(in)) leaves.add(in);
            }
        }
        Var[] g = Gradients.grad(this, upstream, leaves.toArray(new Var[0]), true);
        for (int i = 0; i < g.length; i++) {
            Var leaf = leaves.get(i);
            leaf.accumulate(g[i].value());
            leaf.gradGraph = leaf.gradGraph == null ? g[i] : Accumulate.add(leaf.gradGraph, g[i]);
        }
    }

    private Var gradGraph;

    /**
     * The gradient from backward passes made with {@code createGraph}, as a variable that can be differentiated
     * again (null when there was none); {@link #clearGrad()} forgets it.
     *
     * @return the differentiable gradient, or null
     */
    public Var gradVar() {
        return gradGraph;
    }

    // ---------------------------------------------------------------- in-place ops
    /*
     * PyTorch's x.add_(y) rewrites x's history; here a Var's history is fixed, so an in-place op returns a new Var
     * for the new value, sharing this one's tensor: write x = x.addInPlace(y). The old Var still names the tensor
     * (now changed), and any op that saved it fails in backward with the version error instead of a wrong gradient.
     */

    private void checkInPlace(String op) {
        if (creator == null && requiresGrad && GradMode.isEnabled()) {
            throw new IllegalStateException(op + ": a parameter (a leaf that requires grad) cannot be changed in place while "
                    + "gradients are recorded; do it under GradMode.noGrad() (as optimizers do) or on a copy");
        }
    }

    /**
     * {@code this += other} in this variable's tensor, recorded for backward ({@code other} broadcasts to this
     * shape); PyTorch's {@code add_}. Use the result: {@code x = x.addInPlace(y)}.
     *
     * @param other the addend
     * @return the variable for the new value (the same tensor)
     * @throws IllegalStateException for a parameter while gradients are recorded
     */
    public Var addInPlace(Var other) {
        checkInPlace("addInPlace");
        return new InPlace.AddInPlace().apply1(this, other);
    }

    /**
     * {@code this += c}, recorded for backward.
     *
     * @param c the constant
     * @return the variable for the new value (the same tensor)
     */
    public Var addInPlace(double c) {
        checkInPlace("addInPlace");
        return new InPlace.AffineInPlace(1, c).apply1(this);
    }

    /**
     * {@code this *= other} in this variable's tensor, recorded for backward ({@code other} broadcasts to this
     * shape); PyTorch's {@code mul_}. When {@code other} needs a gradient the old value is kept as a copy.
     *
     * @param other the factor
     * @return the variable for the new value (the same tensor)
     */
    public Var mulInPlace(Var other) {
        checkInPlace("mulInPlace");
        return new InPlace.MulInPlace().apply1(this, other);
    }

    /**
     * {@code this *= s}, recorded for backward.
     *
     * @param s the constant factor
     * @return the variable for the new value (the same tensor)
     */
    public Var mulInPlace(double s) {
        checkInPlace("mulInPlace");
        return new InPlace.AffineInPlace(s, 0).apply1(this);
    }

    /**
     * Clamps this variable's tensor to {@code [lo, hi]} in place, recorded for backward (gradient 1 where the old
     * value lay inside, PyTorch's {@code clamp_}).
     *
     * @param lo the lower bound
     * @param hi the upper bound (at least {@code lo})
     * @return the variable for the new value (the same tensor)
     */
    public Var clampInPlace(double lo, double hi) {
        checkInPlace("clampInPlace");
        return new InPlace.ClampInPlace(lo, hi).apply1(this);
    }

    /**
     * How many times this variable's tensor has been written in place (PyTorch's {@code _version}): what saved
     * tensors are checked against.
     *
     * @return the version counter of the underlying storage
     */
    public long version() {
        return value.version();
    }

    /**
     * The names ({@link Function#name()}) of the recorded ops this value was computed from, each once, in
     * recording order: which ops and modes a model or a composite actually runs. Empty for a leaf or when nothing
     * was recorded.
     *
     * @return the op names, each once, oldest first
     */
    public List<String> ops() {
        TreeMap<Long, String> bySeq = new TreeMap<>();
        ArrayDeque<Node> todo = new ArrayDeque<>();
        if (creator != null) todo.add(creator);
        while (!todo.isEmpty()) {
            Node n = todo.poll();
            if (bySeq.putIfAbsent(n.seq, n.fn.name()) != null) continue;
            for (Var in : n.inputs) if (in.creator != null) todo.add(in.creator);
        }
        return List.copyOf(new LinkedHashSet<>(bySeq.values()));
    }

    @Override
    public String toString() {
        return "Var(" + value + (requiresGrad ? ", requiresGrad" : "") + (creator != null ? ", op=" + creator.fn.name() : "") + ")";
    }
}
