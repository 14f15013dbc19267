package dev.panamax.autodiff;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one op application keeps for its backward pass. Tensors are kept only through {@link #save}, which
 * records their version: if a saved tensor is changed in place before backward, {@link #saved} refuses to
 * hand it out instead of letting the gradient be computed from the wrong numbers. Plain values (axes,
 * flags, shapes) go in {@link #put}.
 */
public final class Ctx {
    private final String op;
    private final List<Tensor> saved = new ArrayList<>();
    private final List<Long> versions = new ArrayList<>();
    private Map<String, Object> values;  // made on first put: most ops keep no plain values
    private long[][] inputShapes = new long[0][];
    private DType[] inputTypes = new DType[0];
    private boolean[] needsGrad = new boolean[0];
    private boolean recording, released;

    Ctx(String op) {
        this.op = op;
    }

    void inputs(Tensor[] in, boolean[] needs, boolean recording) {
        this.recording = recording;
        inputShapes = new long[in.length][];
        inputTypes = new DType[in.length];
        for (int i = 0; i < in.length; i++) {
            inputShapes[i] = in[i].shape();
            inputTypes[i] = in[i].dtype();
        }
        needsGrad = needs;
    }

    /**
     * Keeps tensors for backward (each as its own view, so the caller may close theirs). Unrecorded ({@link #recording()}
     * false: inference) it keeps nothing, since no backward will read them.
     *
     * @param tensors the tensors backward will read, by position in {@link #saved}
     */
    public void save(Tensor... tensors) {
        if (!recording) return;
        for (Tensor t : tensors) {
            saved.add(t.reshape(t.shape()));
            versions.add(t.version());
        }
    }

    /** {@return how many tensors {@link #save} kept} */
    int savedCount() {
        return saved.size();
    }

    /**
     * Saved tensor {@code i}; throws if it was modified in place after it was saved.
     *
     * @param i the position among the saved tensors, in the order saved
     * @return the saved view; valid until backward ends, not to be closed by the op
     * @throws IllegalStateException when it was modified in place after saving, or freed by an earlier backward
     *                               without retainGraph
     */
    public Tensor saved(int i) {
        if (released) {
            throw new IllegalStateException(op + ": its saved tensors were freed by an earlier backward; call "
                    + "backward(grad, true) (retainGraph) on the first pass to backpropagate twice");
        }
        Tensor t = saved.get(i);
        if (t.version() != versions.get(i)) {
            throw new IllegalStateException(op + ": a tensor needed for gradient computation was modified by an in-place operation: "
                    + "saved tensor " + i + " " + t.dtype() + java.util.Arrays.toString(t.shape()) + " saved at version " + versions.get(i)
                    + ", now " + t.version() + "; modify a copy (F.mul(x, 1.0) or value().copy()) instead, or do the in-place op "
                    + "before this one uses the tensor");
        }
        return t;
    }

    /**
     * Keeps a non-tensor value for backward (an index, a flag, a computed shape).
     *
     * @param key   the name backward asks {@link #get} for
     * @param value any object; replaces an earlier value under the key
     */
    public void put(String key, Object value) {
        if (values == null) values = new HashMap<>();
        values.put(key, value);
    }

    /**
     * A value kept with {@link #put}.
     *
     * @param key the name it was put under
     * @param <T> the type it was put as (unchecked)
     * @return the value, or null when none was put
     */
    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return values == null ? null : (T) values.get(key);
    }

    /**
     * {@code g} summed down to input {@code i}'s shape, undoing broadcasting: what a custom op's backward
     * returns for an input that was broadcast in forward. See {@link #sumTo(Tensor, long[])}.
     *
     * @param g a gradient shaped like the (broadcast) output
     * @param i the input's position
     * @return a tensor shaped like input {@code i}, with its own reference
     */
    public Tensor sumToInput(Tensor g, int i) {
        return sumTo(g, inputShapes[i]);
    }

    /**
     * {@code g} summed down to {@code shape} (see {@link #sumToInput}); public for {@code F.sumTo} and the ops.
     *
     * @param g a gradient shaped like a broadcast output
     * @param shape the shape to sum down to
     * @return a tensor of exactly {@code shape} with its own reference
     */
    public static Tensor sumTo(Tensor g, long[] shape) {
        long[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) return g.reshape(gs);  // a new view: callers may close g
        int lead = gs.length - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: a gradient of shape " + java.util.Arrays.toString(gs)
                    + " cannot be summed to the larger rank of " + java.util.Arrays.toString(shape));
        }
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) axes.add(i);
        }
        int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
        try (Tensor s = ax.length == 0 ? g.reshape(gs) : g.sum(ax, true)) {
            return s.reshape(shape);
        }
    }

    /** {@return how many inputs the op was applied to} */
    public int inputCount() {
        return inputShapes.length;
    }

    /**
     * The shape input {@code i} had in forward, for shaping its gradient.
     *
     * @param i the input's position
     * @return a copy of the shape
     */
    public long[] inputShape(int i) {
        return inputShapes[i].clone();
    }

    /**
     * The element type input {@code i} had in forward.
     *
     * @param i the input's position
     * @return its dtype
     */
    public DType inputType(int i) {
        return inputTypes[i];
    }

    /**
     * Whether this application is recorded on the tape, so backward may run: false under {@link GradMode#noGrad()}
     * or when no input requires grad. Forward may then skip what only backward reads (pooling's winners).
     *
     * @return true when backward may run
     */
    public boolean recording() {
        return recording;
    }

    /**
     * Whether input {@code i} needs a gradient (backward may skip the others and return null).
     *
     * @param i the input's position
     * @return true when backward must return a gradient for it
     */
    public boolean needsInputGrad(int i) {
        return needsGrad[i];
    }

    /** Throws as {@link #saved} would if any saved tensor was modified in place since it was saved. */
    void checkSaved() {
        if (released) return;
        for (int i = 0; i < saved.size(); i++) saved(i);
    }

    boolean isReleased() {
        return released;
    }

    void release() {
        if (released) return;
        released = true;
        for (Tensor t : saved) t.close();
    }
}
