package dev.panamax.autodiff;

import java.util.concurrent.atomic.AtomicLong;

/** One recorded op application: the function, what it saved, its inputs and outputs, and its tape position. */
final class Node {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    final Function fn;
    final Ctx ctx;
    final Var[] inputs;
    final Var[] outputs;
    /** Recording order: a node's inputs were always recorded before it, so descending order is topological. */
    final long seq = SEQUENCE.incrementAndGet();

    Node(Function fn, Ctx ctx, Var[] inputs, Var[] outputs) {
        this.fn = fn;
        this.ctx = ctx;
        this.inputs = inputs.clone();
        this.outputs = outputs;
    }
}
