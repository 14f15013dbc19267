package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * Code run around a layer's forward pass, as PyTorch's {@code register_forward_pre_hook} and
 * {@code register_forward_hook}: to inspect activations, record them for explanations, or replace them.
 * Registered on a layer with {@link Layer#registerForwardPreHook} and {@link Layer#registerForwardHook}.
 */
public final class ForwardHooks {
    /** Runs before a layer's forward. */
    @FunctionalInterface
    public interface Pre {
        /**
         * Sees the layer's input.
         *
         * @param layer the layer about to run
         * @param input its input batch
         * @return a replacement input, or null to keep {@code input}
         */
        Var apply(Layer layer, Var input);
    }

    /** Runs after a layer's forward. */
    @FunctionalInterface
    public interface Post {
        /**
         * Sees the layer's input and output.
         *
         * @param layer the layer that ran
         * @param input its input batch (after any pre-hook's replacement)
         * @param output its output
         * @return a replacement output, or null to keep {@code output}
         */
        Var apply(Layer layer, Var input, Var output);
    }

    /** Removes the hook it was returned for; closing it does the same, so a hook can live for one block. */
    public interface Handle extends AutoCloseable {
        /** Removes the hook (again: nothing). */
        void remove();

        /** {@link #remove()}. */
        @Override
        default void close() {
            remove();
        }
    }

    private final List<Pre> pre = new ArrayList<>();
    private final List<Post> post = new ArrayList<>();

    ForwardHooks() {}

    boolean isEmpty() {
        return pre.isEmpty() && post.isEmpty();
    }

    Handle add(Pre h) {
        pre.add(h);
        return () -> pre.remove(h);
    }

    Handle add(Post h) {
        post.add(h);
        return () -> post.remove(h);
    }

    Var before(Layer layer, Var x) {
        for (Pre h : List.copyOf(pre)) {
            Var r = h.apply(layer, x);
            if (r != null) x = r;
        }
        return x;
    }

    Var after(Layer layer, Var x, Var y) {
        for (Post h : List.copyOf(post)) {
            Var r = h.apply(layer, x, y);
            if (r != null) y = r;
        }
        return y;
    }
}
