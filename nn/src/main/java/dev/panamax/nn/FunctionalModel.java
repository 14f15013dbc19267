package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A model written as a function of its layers, for architectures that are not a stack (skip connections,
 * several branches): the layers are declared once and called inside {@code body}, which gets the input and
 * whether it is training.
 *
 * <pre>{@code
 * Dense a = new Dense(32, "relu"), b = new Dense(32, "relu"), out = new Dense(10, "softmax");
 * FunctionalModel m = new FunctionalModel(7, List.of(a, b, out), (x, ctx) -> {
 *     Var h = a.apply(x, ctx.training(), ctx.rng());
 *     Var skip = F.add(h, b.apply(h, ctx.training(), ctx.rng()));   // a residual connection
 *     return out.apply(skip, ctx.training(), ctx.rng());
 * });
 * }</pre>
 */
public final class FunctionalModel {
    /** What the body needs besides the input. */
    public record Context(boolean training, Rng rng) {}

    private final List<Layer> layers;
    private final BiFunction<Var, Context, Var> body;
    private final Rng rng;

    public FunctionalModel(long seed, List<Layer> layers, BiFunction<Var, Context, Var> body) {
        this.layers = List.copyOf(layers);
        this.body = body;
        this.rng = new Rng(seed);
    }

    public Var forward(Var x, boolean training) {
        return body.apply(x, new Context(training, rng));
    }

    /** Trainable parameters of every layer (built on the first forward pass). */
    public List<Var> params() {
        List<Var> p = new ArrayList<>();
        for (Layer l : layers) {
            if (!l.isBuilt()) throw new IllegalStateException("params: layer " + l.name() + " is not built yet; run forward once");
            p.addAll(l.params());
        }
        return p;
    }
}
