package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.nn.Model.OutputAndLoss;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.util.List;

/**
 * A layer stack as it runs after {@link Fusion}'s rewrite: stages (single layers, or runs of layers fused into
 * one op) and, when it was rewritten for a loss, a head that turns the last hidden value into the output and
 * the loss.
 */
record FusedStack(List<Stage> stages, Head head) {
    /** A step from one hidden value to the next: a layer's forward, or several layers' in one op. */
    @FunctionalInterface
    interface Stage {
        Var forward(Var x, boolean training, Rng rng);
    }

    /** The end of a stack rewritten for a loss: the output and the loss on it. */
    @FunctionalInterface
    interface Head {
        OutputAndLoss apply(Var h, Tensor target, boolean training, Rng rng);
    }

    FusedStack {
        stages = List.copyOf(stages);
    }

    /** The output: every stage in order (a head, if any, is not run). */
    Var forward(Var x, boolean training, Rng rng) {
        Var h = x;
        for (Stage s : stages) h = s.forward(h, training, rng);
        return h;
    }

    /** The stages, then the head. */
    OutputAndLoss forwardWithLoss(Var x, Tensor target, boolean training, Rng rng) {
        if (head == null) throw new IllegalStateException("this stack was rewritten without a loss");
        return head.apply(forward(x, training, rng), target, training, rng);
    }
}
