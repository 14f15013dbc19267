package dev.panamax.autodiff;

import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.AllocationFailedException;

/**
 * A differentiable operation: forward and backward side by side. Framework builders extend it for custom
 * ops, exactly like PyTorch's {@code torch.autograd.Function}:
 *
 * <pre>{@code
 * final class Cube extends Function {
 *     protected Tensor[] forward(Ctx ctx, Tensor... in) {
 *         ctx.save(in[0]);
 *         return new Tensor[] {in[0].pow(3)};
 *     }
 *     protected Tensor[] backward(Ctx ctx, Tensor... gradOut) {
 *         Tensor x = ctx.saved(0);
 *         return new Tensor[] {gradOut[0].mul(x.square().mul(3))};
 *     }
 * }
 * Var y = new Cube().apply(x)[0];
 * }</pre>
 *
 * <h2>Temporaries</h2>
 * Tensors made inside {@code forward} or {@code backward} that are neither returned nor saved are temporaries:
 * close them with try-with-resources (as {@code try (Tensor x2 = x.square()) {...}}) so that the op frees them
 * itself. One left open belongs to whichever {@link dev.panamax.tensors.memory.MemoryScope} is open when the op
 * runs and dies when that scope closes; with no scope open it belongs to nothing and leaks (and a test's leak
 * check names it). So: run custom ops inside a scope (a training step always is) and close temporaries anyway,
 * because an op applied a thousand times in one step holds a thousand of them until the step ends.
 * {@link Ctx#save} takes its own view, so a saved input or output needs no special care.
 *
 * <p>Forward runs with recording off; backward returns one gradient per input, shaped like that input (null
 * where {@link Ctx#needsInputGrad} is false). Gradients must already be reduced over broadcast dimensions;
 * {@link dev.panamax.autodiff.functional.F#sumTo(Tensor, long...)} (or {@link Ctx#sumToInput}) does that.
 */
public abstract class Function {
    /** For subclasses: an op holds its configuration (axes, flags) in fields set by its own constructor. */
    public Function() {}

    /**
     * Computes the outputs from the inputs' values, with recording off. Keep with {@link Ctx#save} what backward
     * needs.
     *
     * @param ctx    where to keep what backward needs
     * @param inputs the inputs' values; not to be closed or modified
     * @return the outputs, new tensors (or views) the op hands to its caller
     */
    protected abstract Tensor[] forward(Ctx ctx, Tensor... inputs);

    /**
     * Computes the gradient of each input from the gradients of the outputs.
     *
     * @param ctx         what forward kept
     * @param gradOutputs the gradient of each output, shaped like it (zeros where none flowed)
     * @return one gradient per input, shaped like that input, or null where {@link Ctx#needsInputGrad} is false
     */
    protected abstract Tensor[] backward(Ctx ctx, Tensor... gradOutputs);

    /**
     * Backward written with differentiable ops on variables, for higher-order gradients: a pass asked to create a
     * graph ({@link Gradients#grad(Var, Var[], boolean)} with {@code createGraph}) calls this instead of
     * {@link #backward}, so the gradients it returns are recorded and can be differentiated again (gradient
     * penalties, Hessian-vector products, meta-learning). The inputs and outputs are the variables of this
     * application; a gradient for an input that was broadcast must be summed back to its shape
     * ({@link Ctx#sumToInput} has a differentiable twin in {@code F.sumTo(Var, long...)}).
     *
     * <p>The default returns null: the op has no differentiable backward, and a pass that creates a graph through
     * it fails, naming it. Ops override it where their backward can be written with differentiable ops.
     *
     * @param ctx what forward kept (shapes, which inputs need gradients)
     * @param inputs the variables the op was applied to
     * @param outputs the variables it produced
     * @param gradOutputs the gradient of each output (zeros where none flowed)
     * @return one gradient per input (null where {@link Ctx#needsInputGrad} is false), or null when unsupported
     */
    protected Var[] backwardGraph(Ctx ctx, Var[] inputs, Var[] outputs, Var[] gradOutputs) {
        return null;
    }

    /**
     * {@return the name used in error messages, anomaly reports and profiles: the class's simple name unless a mode
     * overrides it}
     */
    public String name() {
        return NAMES.get(getClass());
    }

    /** Class.getSimpleName() walks reflection data on every call; an op's name is asked for on every apply. */
    private static final ClassValue<String> NAMES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return type.getSimpleName();
        }
    };

    /**
     * Runs forward on the inputs' values and, if any input requires grad and recording is on, records it.
     *
     * @param inputs the variables to apply the op to, none null
     * @return the outputs, recorded on the tape when any input requires grad and recording is on
     * @throws IllegalArgumentException when an input is null (and whatever forward throws for bad shapes)
     */
    public final Var[] apply(Var... inputs) {
        Tensor[] in = new Tensor[inputs.length];
        boolean[] needs = new boolean[inputs.length];
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) throw new IllegalArgumentException(name() + ": input " + i + " is null");
            in[i] = inputs[i].value();
            needs[i] = inputs[i].requiresGrad();
            any |= needs[i];
        }
        boolean record = any && GradMode.isEnabled();
        Ctx ctx = new Ctx(name());
        ctx.inputs(in, needs, record);
        Tensor[] out;
        long t0 = OpProfiler.ENABLED ? System.nanoTime() : 0;
        try (GradMode.Switch off = GradMode.noGrad()) {
            out = forward(ctx, in);
        } catch (AllocationFailedException e) {
            throw e.in("op " + name() + " forward");
        }
        if (OpProfiler.ENABLED) OpProfiler.record(name() + " forward", System.nanoTime() - t0);
        Var[] result = new Var[out.length];
        Node node = record ? new Node(this, ctx, inputs, result) : null;
        for (int i = 0; i < out.length; i++) result[i] = new Var(out[i], record, node, i);
        if (!record) ctx.release();
        return result;
    }

    /**
     * {@link #apply} for single-output functions.
     *
     * @param inputs the variables to apply the op to
     * @return the only (or first) output
     */
    public final Var apply1(Var... inputs) {
        return apply(inputs)[0];
    }
}
