package dev.panamax.nn;

import dev.panamax.nn.loss.Loss;
import java.util.List;

/** One pattern of {@link Fusion}: recognises a run of layers and says what runs in its place. */
interface FusionRule {
    /** What replaces a run of {@code length} layers. */
    sealed interface Rewrite permits Inner, Tail {
        int length();
    }

    /** A run inside the stack, replaced by one stage. */
    record Inner(FusedStack.Stage stage, int length) implements Rewrite {}

    /** A run that ends the stack, folded into the loss: allowed only when the stack is rewritten for a loss. */
    record Tail(FusedStack.Head head, int length) implements Rewrite {}

    /**
     * The rewrite of the layers from {@code at} on, or null when this rule's pattern does not start there.
     * {@code loss} is the training loss, or null when the stack is rewritten for inference.
     */
    Rewrite match(List<Layer> layers, int at, Loss loss);
}
