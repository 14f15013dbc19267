package dev.panamax.autodiff;

import dev.panamax.tensors.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Gradients as variables, PyTorch's {@code torch.autograd.grad}: the gradient of an output with respect to chosen
 * inputs (parameters, the data, or intermediate values), returned rather than accumulated into {@link Var#grad()}.
 * With {@code createGraph} the backward pass is itself recorded, so a gradient can be differentiated again:
 *
 * <pre>{@code
 * Var[] g = Gradients.grad(F.sum(critic(x)), new Var[] {x}, true);                 // ∇x D(x), differentiable
 * Var penalty = F.mean(F.square(F.sub(F.sqrt(F.sum(F.square(g[0]), new int[] {1}, false)), one)));  // WGAN-GP
 * F.add(loss, penalty).backward();                                                  // second derivatives flow
 * }</pre>
 *
 * The pass runs each op's {@link Function#backwardGraph}: Add, Sub, Mul, Div, Pow, Neg, MatMul, Sum (so Mean),
 * Exp, Log, Tanh, Sigmoid, Relu, Sqrt, Reshape, Expand and Permute (so broadcasting and transposes) have one; an op
 * on the way without one fails in one line naming it (without {@code createGraph} its plain backward runs). Only ops between the output and the requested inputs are
 * visited. The graph is kept (as with {@code retainGraph}), so the output can be backpropagated again.
 */
public final class Gradients {
    private Gradients() {}

    /**
     * The gradient of the scalar {@code output} with respect to each of {@code inputs}.
     *
     * @param output a scalar computed from the inputs
     * @param inputs the variables to differentiate by (they must require grad, or be computed from ones that do)
     * @param createGraph whether to record the pass, so the gradients can be differentiated again
     * @return one gradient per input, shaped like it; zeros for an input the output does not depend on
     */
    public static Var[] grad(Var output, Var[] inputs, boolean createGraph) {
        if (output.value().numel() != 1) {
            throw new IllegalArgumentException("grad: the output has shape " + Arrays.toString(output.shape())
                    + "; without an upstream gradient it must be a scalar: reduce it (F.sum) or pass gradOutput");
        }
        return grad(output, null, inputs, createGraph);
    }

    /**
     * The vector-Jacobian product of {@code output} with {@code gradOutput} for each of {@code inputs}.
     *
     * @param output the output
     * @param gradOutput the upstream gradient, shaped like the output (null for a scalar's 1)
     * @param inputs the variables to differentiate by
     * @param createGraph whether to record the pass, so the gradients can be differentiated again
     * @return one gradient per input, shaped like it; zeros for an input the output does not depend on
     */
    public static Var[] grad(Var output, Tensor gradOutput, Var[] inputs, boolean createGraph) {
        if (!output.requiresGrad()) {
            throw new IllegalStateException("grad: the output does not require grad: no input of the ops that made it is a "
                    + "parameter (Var.param), or it was computed under GradMode.noGrad()");
        }
        if (gradOutput != null && !Arrays.equals(gradOutput.shape(), output.shape())) {
            throw new IllegalArgumentException("grad: gradOutput has shape " + Arrays.toString(gradOutput.shape())
                    + " but the output has shape " + Arrays.toString(output.shape()));
        }
        Set<Var> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
        wanted.addAll(Arrays.asList(inputs));
        Map<Var, Var> found = new IdentityHashMap<>();
        try (GradMode.Switch mode = createGraph ? () -> {} : GradMode.noGrad()) {
            Var seed = Var.of(gradOutput != null ? gradOutput : Tensor.ones(output.value().dtype(), output.shape()));
            if (wanted.contains(output)) found.put(output, seed);
            if (output.creator != null) run(output, seed, wanted, found, createGraph);
            Var[] out = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                Var g = found.get(inputs[i]);
                out[i] = g != null ? g : Var.of(Tensor.zeros(inputs[i].value().dtype(), inputs[i].shape()));
            }
            return out;
        }
    }

    private static void run(Var root, Var seed, Set<Var> wanted, Map<Var, Var> found, boolean createGraph) {
        Set<Node> expand = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> relevant = relevantNodes(root.creator, wanted, expand);
        if (!relevant.contains(root.creator)) return;
        Map<Node, Var[]> pending = new HashMap<>();
        PriorityQueue<Node> queue = new PriorityQueue<>(Comparator.comparingLong((Node n) -> n.seq).reversed());
        pending.put(root.creator, new Var[root.creator.outputs.length]);
        pending.get(root.creator)[root.index] = seed;
        queue.add(root.creator);
        while (!queue.isEmpty()) {
            Node node = queue.poll();
            Var[] gout = pending.remove(node);
            for (int i = 0; i < gout.length; i++) {
                Var out = node.outputs[i];
                if (gout[i] == null) gout[i] = Var.of(Tensor.zeros(out.value().dtype(), out.shape()));
                if (wanted.contains(out)) found.put(out, gout[i]);
            }
            if (!expand.contains(node)) continue;  // reached only for a requested output of its own
            node.ctx.checkSaved();
            Var[] gin = node.fn.backwardGraph(node.ctx, node.inputs, node.outputs, gout);
            if (gin == null && !createGraph) gin = valuesOnly(node, gout);
            if (gin == null) {
                throw new IllegalStateException(node.fn.name() + " has no differentiable backward (Function.backwardGraph), so "
                        + "gradients through it cannot be differentiated again (createGraph); compose it from ops that have one");
            }
            for (int j = 0; j < gin.length; j++) {
                Var in = node.inputs[j];
                if (!in.requiresGrad()) continue;
                Var g = gin[j];
                if (g == null || !Arrays.equals(g.shape(), in.shape())) {
                    throw new IllegalStateException(node.fn.name() + ".backwardGraph returned " + (g == null ? "no gradient"
                            : "a gradient of shape " + Arrays.toString(g.shape())) + " for input " + j + " of shape " + Arrays.toString(in.shape()));
                }
                if (in.creator == null) {
                    if (wanted.contains(in)) found.merge(in, g, Accumulate::add);
                } else if (relevant.contains(in.creator)) {
                    Var[] slot = pending.get(in.creator);
                    if (slot == null) {
                        slot = new Var[in.creator.outputs.length];
                        pending.put(in.creator, slot);
                        queue.add(in.creator);
                    }
                    slot[in.index] = Accumulate.add(slot[in.index], g);
                }
            }
        }
    }

    /** Without createGraph an op without a differentiable backward runs its plain one: the values are all we need. */
    private static Var[] valuesOnly(Node node, Var[] gout) {
        if (node.ctx.isReleased()) {
            throw new IllegalStateException("grad: " + node.fn.name() + " was already backpropagated and its saved tensors freed; "
                    + "pass retainGraph = true to the first backward");
        }
        Tensor[] g = new Tensor[gout.length];
        for (int i = 0; i < g.length; i++) g[i] = gout[i].value();
        Tensor[] t = node.fn.backward(node.ctx, g);
        Var[] v = new Var[t.length];
        for (int i = 0; i < t.length; i++) v[i] = t[i] == null ? null : Var.of(t[i]);
        return v;
    }

    /**
     * The nodes the pass must reach: those with a requested output or from which a requested input can be reached
     * through values that require grad; {@code expand} gets the latter, whose backward must run.
     */
    private static Set<Node> relevantNodes(Node start, Set<Var> wanted, Set<Node> expand) {
        List<Node> reachable = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.add(start);
        seen.add(start);
        while (!todo.isEmpty()) {
            Node n = todo.poll();
            reachable.add(n);
            for (Var in : n.inputs) {
                if (in.requiresGrad() && in.creator != null && seen.add(in.creator)) todo.add(in.creator);
            }
        }
        reachable.sort(Comparator.comparingLong(n -> n.seq));  // inputs' creators first
        Set<Node> relevant = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : reachable) {
            boolean e = false;
            for (Var in : n.inputs) {
                if (!in.requiresGrad()) continue;
                e |= wanted.contains(in) || (in.creator != null && relevant.contains(in.creator));
            }
            boolean r = e;
            for (Var out : n.outputs) r |= wanted.contains(out);
            if (e) expand.add(n);
            if (r) relevant.add(n);
        }
        return relevant;
    }
}
