package dev.panamax.nn;

import dev.panamax.nn.Model.OutputAndLoss;
import dev.panamax.nn.loss.Loss;
import java.util.ArrayList;
import java.util.List;

/**
 * The rewrite pass over a layer stack: runs of layers that a fused op computes the same way (or better) are
 * replaced by it. This is the one place that knows these patterns; a new fusion is a new {@link FusionRule}
 * in {@link #RULES}.
 */
final class Fusion {
    /** Tried in order at each position; the first that matches wins. */
    private static final List<FusionRule> RULES = List.of(new ConvReluMaxPool(), new SoftmaxIntoLoss());

    private Fusion() {}

    /**
     * The stack {@code layers} runs as: for inference when {@code loss} is null, else for training on
     * {@code loss}, with a head that computes the output and the loss.
     */
    static FusedStack rewrite(List<Layer> layers, Loss loss) {
        List<FusedStack.Stage> stages = new ArrayList<>();
        FusedStack.Head head = null;
        for (int i = 0; i < layers.size(); ) {
            FusionRule.Rewrite r = match(layers, i, loss);
            switch (r) {
                case null -> stages.add(layers.get(i)::call);
                case FusionRule.Inner inner -> stages.add(inner.stage());
                case FusionRule.Tail tail -> {
                    if (loss == null || i + tail.length() != layers.size()) {
                        throw new IllegalStateException("fusion rule " + tail + " must end the stack and needs a loss");
                    }
                    head = tail.head();
                }
            }
            i += r == null ? 1 : r.length();
        }
        if (loss != null && head == null) head = (h, target, training, rng) -> new OutputAndLoss(h, loss.compute(h, target));
        return new FusedStack(stages, head);
    }

    private static FusionRule.Rewrite match(List<Layer> layers, int at, Loss loss) {
        for (FusionRule rule : RULES) {
            FusionRule.Rewrite r = rule.match(layers, at, loss);
            if (r != null) return r;
        }
        return null;
    }
}
