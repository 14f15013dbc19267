package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.List;

/**
 * A Keras-style layer: weights are created when the input shape is first known ({@link #build}), then
 * {@link #forward} maps a batch to a batch. Shapes exclude the batch dimension, as in Keras' summaries.
 */
public abstract class Layer {
    private String name;
    private boolean built;
    /** The trainable variables, filled by {@link #createParams} (kernel first, then bias, by convention). */
    protected final List<Var> params = new ArrayList<>();
    private Regularizer kernelRegularizer, biasRegularizer;
    /** Initialisers by Keras name for the kernel and the bias; see {@link Initializers}. */
    protected String kernelInit = "glorot_uniform", biasInit = "zeros";

    /**
     * Chooses the kernel's initialiser (Keras name, e.g. "he_normal"); applies when the layer is built.
     *
     * @param name the initialiser's Keras name (see {@link Initializers})
     * @return this layer
     * @throws IllegalArgumentException for an unknown name
     */
    public Layer kernelInitializer(String name) {
        Initializers.create(name, new Rng(0), 1, 1, 1).close();  // rejects unknown names now
        this.kernelInit = name;
        return this;
    }

    /**
     * Chooses the bias's initialiser (Keras name, e.g. "zeros"); applies when the layer is built.
     *
     * @param name the initialiser's Keras name (see {@link Initializers})
     * @return this layer
     * @throws IllegalArgumentException for an unknown name
     */
    public Layer biasInitializer(String name) {
        Initializers.create(name, new Rng(0), 1, 1, 1).close();
        this.biasInit = name;
        return this;
    }

    /**
     * Adds {@code r}'s penalty on this layer's kernel (its first parameter) to the training loss.
     *
     * @param r the penalty, or null for none
     * @return this layer
     */
    public Layer kernelRegularizer(Regularizer r) {
        this.kernelRegularizer = r;
        return this;
    }

    /**
     * Adds {@code r}'s penalty on this layer's bias (its second parameter) to the training loss.
     *
     * @param r the penalty, or null for none
     * @return this layer
     */
    public Layer biasRegularizer(Regularizer r) {
        this.biasRegularizer = r;
        return this;
    }

    /** {@return the layer's weight penalty for the current parameters (a scalar), or null when it has none} */
    public Var regularization() {
        Var total = null;
        if (kernelRegularizer != null && !params.isEmpty()) total = kernelRegularizer.penalty(params.get(0));
        if (biasRegularizer != null && params.size() > 1) {
            Var b = biasRegularizer.penalty(params.get(1));
            total = total == null ? b : b == null ? total : F.add(total, b);
        }
        return total;
    }

    /** Non-trainable state saved with the weights (batch normalisation's running statistics). */
    protected final List<Tensor> buffers = new ArrayList<>();

    /** The scope that was open when the layer was made: its weights live there, wherever build happens. */
    private final MemoryScope home = MemoryScope.current();

    /**
     * A layer of the given default name (Keras' snake-case type name; models make names unique).
     *
     * @param name the layer's name, e.g. "dense"
     */
    protected Layer(String name) {
        this.name = name;
    }

    /** {@return the layer's name, unique within its model once added (e.g. "dense_1")} */
    public String name() {
        return name;
    }

    void rename(String n) {
        this.name = n;
    }

    /**
     * The output shape (without the batch dimension) for an input shape; throws for incompatible input.
     *
     * @param inputShape one example's shape (no batch dimension)
     * @return one output example's shape
     * @throws IllegalArgumentException when the layer cannot take that input (the message names the layer and the
     *                                  shape)
     */
    public abstract long[] outputShape(long[] inputShape);

    /**
     * Creates the weights for {@code inputShape} (once).
     *
     * @param inputShape one example's shape (no batch dimension)
     * @param rng        draws the initial weights
     * @throws IllegalArgumentException when the layer cannot take that input
     */
    public final void build(long[] inputShape, Rng rng) {
        if (built) return;
        outputShape(inputShape);  // validates
        createParams(inputShape, rng);
        // A layer first called inside a training step must not lose its weights when the step's scope closes.
        for (Var p : params) if (p.value().owner() != home) MemoryScope.move(p.value(), home);
        for (Tensor b : buffers) if (b.owner() != home) MemoryScope.move(b, home);
        if (!trainable) for (Var p : params) p.setRequiresGrad(false);
        built = true;
    }

    /**
     * Creates the layer's weights into {@link #params} (and state into {@link #buffers}); the default creates none.
     *
     * @param inputShape one example's shape, already validated by {@link #outputShape}
     * @param rng        draws the initial weights
     */
    protected void createParams(long[] inputShape, Rng rng) {}

    /**
     * γ (ones) and β (zeros) over the last axis: the learned scale and shift of the normalisation layers.
     *
     * @param inputShape one example's shape; the last axis is the channels
     * @param rng        unused by these constant initialisers, passed through
     */
    protected void addScaleAndShift(long[] inputShape, Rng rng) {
        long c = inputShape[inputShape.length - 1];
        params.add(Var.param(Initializers.create("ones", rng, 0, 0, c)));
        params.add(Var.param(Initializers.create("zeros", rng, 0, 0, c)));
    }

    /** {@return whether the weights exist (after {@link #build} or the first {@link #apply})} */
    public boolean isBuilt() {
        return built;
    }

    /**
     * Calls the layer as a function, Keras-style: builds it from {@code x}'s shape on first use (batch dimension
     * excluded). Lets layers be composed freely for models that are not a stack (see {@link FunctionalModel}).
     *
     * @param x        the input batch (N, ...)
     * @param training the mode (see {@link #forward})
     * @param rng      draws initial weights on first use, and randomness for dropout and the like
     * @return the output batch
     */
    public Var apply(Var x, boolean training, Rng rng) {
        long[] s = x.shape();
        build(java.util.Arrays.copyOfRange(s, 1, s.length), rng);
        return call(x, training, rng);
    }

    /**
     * {@link #forward} with this layer's forward hooks around it: what models call, so that hooks see every run.
     *
     * @param x the input batch
     * @param training the mode (see {@link #forward})
     * @param rng randomness for dropout and the like
     * @return the output, or a post-hook's replacement
     */
    public final Var call(Var x, boolean training, Rng rng) {
        if (hooks.isEmpty()) return forward(x, training, rng);
        Var in = hooks.before(this, x);
        return hooks.after(this, in, forward(in, training, rng));
    }

    private final ForwardHooks hooks = new ForwardHooks();

    /**
     * Runs {@code hook} before every forward pass of this layer (PyTorch's {@code register_forward_pre_hook}). A
     * {@link Sequential} with hooked layers runs its layers one by one, unfused, so every hook sees its layer.
     *
     * @param hook sees (and may replace) the input
     * @return a handle that removes the hook
     */
    public ForwardHooks.Handle registerForwardPreHook(ForwardHooks.Pre hook) {
        return hooks.add(hook);
    }

    /**
     * Runs {@code hook} after every forward pass of this layer (PyTorch's {@code register_forward_hook}).
     *
     * @param hook sees the input and (and may replace) the output
     * @return a handle that removes the hook
     */
    public ForwardHooks.Handle registerForwardHook(ForwardHooks.Post hook) {
        return hooks.add(hook);
    }

    /**
     * Whether any forward hook is registered.
     *
     * @return true when {@link #call} runs hooks
     */
    public boolean hasForwardHooks() {
        return !hooks.isEmpty();
    }

    private boolean trainable = true;

    /**
     * Freezes ({@code false}) or unfreezes this layer's parameters, as Keras' {@code layer.trainable}: frozen
     * parameters get no gradient and optimizers leave them alone. Applies to the parameters now and to those a
     * later {@link #build} creates. Non-trainable state (batch normalisation's statistics) is not affected.
     *
     * @param trainable whether the parameters learn
     * @return this layer
     */
    public Layer trainable(boolean trainable) {
        this.trainable = trainable;
        for (Var p : params) p.setRequiresGrad(trainable);
        return this;
    }

    /**
     * Whether the layer's parameters learn; see {@link #trainable(boolean)}.
     *
     * @return false when frozen
     */
    public boolean isTrainable() {
        return trainable;
    }

    /**
     * The batch's forward pass; {@code training} switches dropout and batch statistics.
     *
     * @param x        the input batch (N, ...)
     * @param training true in training (dropout on, batch statistics used and updated)
     * @param rng      randomness for dropout and the like
     * @return the output batch (N, ...outputShape)
     */
    public abstract Var forward(Var x, boolean training, Rng rng);

    /** {@return the trainable variables, in a fixed order (saved and loaded in this order); the live list} */
    public List<Var> params() {
        return params;
    }

    /**
     * Names of {@link #params()} in the saved weights file (Keras' names where they exist).
     *
     * @return one name per parameter, in order
     */
    public java.util.List<String> paramNames() {
        java.util.List<String> n = new java.util.ArrayList<>();
        for (int i = 0; i < params.size(); i++) n.add(i == 0 ? "kernel" : i == 1 ? "bias" : "param" + i);
        return n;
    }

    /**
     * {@return the non-trainable state saved with the weights (batch normalisation's running statistics); the live
     * list}
     */
    public List<Tensor> buffers() {
        return buffers;
    }

    /**
     * Names of {@link #buffers()} in the saved weights file.
     *
     * @return one name per buffer, in order
     */
    public List<String> bufferNames() {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < buffers.size(); i++) n.add("buffer" + i);
        return n;
    }

    /** {@return the number of elements in the buffers (non-trainable state)} */
    public long nonTrainableCount() {
        return buffers.stream().mapToLong(Tensor::numel).sum();
    }

    /** {@return the number of trainable elements, as Keras' summary counts them} */
    public long paramCount() {
        return params.stream().mapToLong(p -> p.value().numel()).sum();
    }

    /** {@return the layer's class name for summaries and configs ("Dense", "Conv2D", ...)} */
    public String type() {
        return getClass().getSimpleName();
    }

    /** {@return the constructor arguments as a small JSON object, so a saved model can be rebuilt} */
    public abstract String configJson();
}
