package dev.panamax.autodiff;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.AllocationFailedException;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The backward pass. Nodes reachable from the output are processed in reverse recording order, which is a
 * topological order (an op is always recorded after its inputs), so each node runs once, after every
 * consumer of its outputs has added its share of the gradient.
 */
final class Autograd {
    private Autograd() {}

    static void backward(Var root, Tensor upstream, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: this variable does not require grad: no input of the ops that made "
                    + "it is a parameter (Var.param), or it was computed under GradMode.noGrad()");
        }
        Tensor seed;
        if (upstream == null) {
            if (root.value().numel() != 1) {
                throw new IllegalArgumentException("backward: the output has shape " + Arrays.toString(root.shape())
                        + "; backward() without an upstream gradient needs a scalar. Reduce it first (F.sum, F.mean) "
                        + "or pass a gradient of the same shape: backward(grad)");
            }
            seed = Tensor.ones(root.value().dtype(), root.shape());
        } else {
            if (!Arrays.equals(upstream.shape(), root.shape())) {
                throw new IllegalArgumentException("backward: upstream gradient has shape " + Arrays.toString(upstream.shape())
                        + " but the output has shape " + Arrays.toString(root.shape()));
            }
            seed = upstream;
        }
        if (root.creator == null) {
            root.accumulate(seed);
            if (root.hasGradReadyHooks()) root.gradReady();
            return;
        }
        Map<Var, int[]> toCome = Var.READY_HOOKED.get() > 0 ? contributionsToHookedLeaves(root.creator) : null;
        Map<Node, Tensor[]> pending = new HashMap<>();
        PriorityQueue<Node> queue = new PriorityQueue<>(Comparator.comparingLong((Node n) -> n.seq).reversed());
        Set<Node> queued = new HashSet<>();
        pending.put(root.creator, new Tensor[root.creator.outputs.length]);
        pending.get(root.creator)[root.index] = seed;
        queue.add(root.creator);
        queued.add(root.creator);
        while (!queue.isEmpty()) {
            Node node = queue.poll();
            Tensor[] gout = pending.remove(node);
            if (node.ctx.isReleased()) {
                throw new IllegalStateException("backward: " + node.fn.name() + " was already backpropagated and its saved "
                        + "tensors freed. To run backward twice over the same graph, pass retainGraph = true the first time");
            }
            for (int i = 0; i < gout.length; i++) {
                Var out = node.outputs[i];
                if (gout[i] == null) gout[i] = Tensor.zeros(out.value().dtype(), out.shape());
                gout[i] = out.runHooks(gout[i]);
            }
            long t0 = OpProfiler.ENABLED ? System.nanoTime() : 0;
            Tensor[] gin;
            try {
                gin = node.fn.backward(node.ctx, gout);
            } catch (AllocationFailedException e) {
                throw e.in("op " + node.fn.name() + " backward");
            }
            if (OpProfiler.ENABLED) OpProfiler.record(node.fn.name() + " backward", System.nanoTime() - t0);
            if (gin.length != node.inputs.length) {
                throw new IllegalStateException(node.fn.name() + ".backward returned " + gin.length + " gradients for "
                        + node.inputs.length + " inputs");
            }
            for (int j = 0; j < gin.length; j++) {
                Var in = node.inputs[j];
                if (!in.requiresGrad()) continue;
                Tensor g = gin[j];
                check(node, j, in, g);
                if (in.creator == null) {
                    long t1 = OpProfiler.ENABLED ? System.nanoTime() : 0;
                    in.accumulate(g);
                    if (OpProfiler.ENABLED) OpProfiler.record("(accumulate leaf gradient)", System.nanoTime() - t1);
                    int[] left = toCome == null ? null : toCome.get(in);
                    if (left != null && --left[0] == 0) in.gradReady();
                } else {
                    Tensor[] slot = pending.computeIfAbsent(in.creator, n -> new Tensor[n.outputs.length]);
                    slot[in.index] = slot[in.index] == null ? g : slot[in.index].add(g);
                    if (queued.add(in.creator)) queue.add(in.creator);
                }
            }
            if (!retainGraph) node.ctx.release();
        }
    }

    /**
     * For each leaf with a gradient-ready hook, how many gradients this pass will accumulate into it: one per use
     * by a node the pass reaches (the nodes reached through inputs that require grad, as the loop below walks).
     */
    private static Map<Var, int[]> contributionsToHookedLeaves(Node start) {
        Map<Var, int[]> counts = new HashMap<>();
        Set<Node> seen = new HashSet<>();
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
        todo.add(start);
        seen.add(start);
        while (!todo.isEmpty()) {
            Node n = todo.poll();
            for (Var in : n.inputs) {
                if (!in.requiresGrad()) continue;
                if (in.creator == null) {
                    if (in.hasGradReadyHooks()) counts.computeIfAbsent(in, v -> new int[1])[0]++;
                } else if (seen.add(in.creator)) {
                    todo.add(in.creator);
                }
            }
        }
        return counts;
    }

    private static void check(Node node, int j, Var in, Tensor g) {
        if (g == null) {
            throw new IllegalStateException(node.fn.name() + ".backward returned no gradient for input " + j
                    + ", which requires one");
        }
        if (!Arrays.equals(g.shape(), in.shape())) {
            throw new IllegalStateException(node.fn.name() + ".backward returned a gradient of shape "
                    + Arrays.toString(g.shape()) + " for input " + j + " of shape " + Arrays.toString(in.shape()));
        }
        if (GradMode.isAnomalyDetection()) {
            try (MemoryScope scope = MemoryScope.open("anomaly-check")) {
                Tensor d = g.to(DType.F64);
                double count = d.sub(d).ne(0).sum().item();  // x - x is NaN exactly for NaN and ±Inf
                if (count > 0) {
                    throw new ArithmeticException("anomaly: the gradient " + node.fn.name() + " produced for input " + j
                            + " holds " + (long) count + " NaN/Inf value(s)");
                }
            }
        }
    }
}
