package dev.panamax.nn;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A model written as a function of its layers, for architectures that are not a stack (skip connections,
 * several branches): the layers are declared once and called inside {@code body}, which gets the input and
 * the mode. It trains, evaluates and predicts through {@code dev.panamax.nn.train.Trainer} like any
 * {@link Model}.
 *
 * <pre>{@code
 * Dense a = new Dense(32, "relu"), b = new Dense(32, "relu"), out = new Dense(10, "softmax");
 * FunctionalModel m = new FunctionalModel(7, List.of(a, b, out), (x, ctx) -> {
 *     Var h = a.apply(x, ctx.training(), ctx.rng());
 *     Var skip = F.add(h, b.apply(h, ctx.training(), ctx.rng()));   // a residual connection
 *     return out.apply(skip, ctx.training(), ctx.rng());
 * });
 * }</pre>
 *
 * <p>Saving keeps the weights only ({@code ModelIo.save} writes {@code model.safetensors}, no architecture):
 * the body is code, so to load, build the model again with the same code and call {@code ModelIo.loadWeights}.
 * Layers are named as in a {@link Sequential} ({@code dense}, {@code dense_1}…, in the order of {@code layers}),
 * which is what ties saved weights to them: keep the order.
 */
public final class FunctionalModel implements Model {
    /**
     * What the body needs besides the input: the mode and the generator for dropout.
     *
     * @param training whether the model runs in training mode (dropout on, batch statistics)
     * @param rng      the model's generator, for dropout and the like
     */
    public record Context(boolean training, Rng rng) {}

    private final List<Layer> layers;
    private final BiFunction<Var, Context, Var> body;
    private final Rng rng;
    private long[] inputShape, outputShape;

    /**
     * A model whose forward pass is {@code body}.
     *
     * @param seed   the seed of the weights' initialisation and of dropout
     * @param layers every layer {@code body} uses, in a fixed order (it names them and ties saved weights to them)
     * @param body   the forward pass: the input batch and the context to the output batch
     */
    public FunctionalModel(long seed, List<Layer> layers, BiFunction<Var, Context, Var> body) {
        this.layers = List.copyOf(layers);
        this.body = body;
        this.rng = new Rng(seed);
        LayerNames names = new LayerNames();
        this.layers.forEach(names::claim);
    }

    @Override
    public String name() {
        return "functional";
    }

    @Override
    public long seed() {
        return rng.seed();
    }

    @Override
    public List<Layer> layers() {
        return layers;
    }

    /**
     * Builds the layers by running the body once, in inference mode and without recording, on a batch of one
     * zero input of {@code shape}: each layer creates its weights on its first call, as Keras' functional models
     * do when they are traced. Every declared layer must be called by the body.
     */
    @Override
    public FunctionalModel build(long... shape) {
        if (inputShape != null) {
            if (!Arrays.equals(inputShape, shape)) {
                throw new IllegalStateException("build: the model is built for inputs " + Arrays.toString(inputShape) + ", not " + Arrays.toString(shape));
            }
            return this;
        }
        long[] batchOfOne = new long[shape.length + 1];
        batchOfOne[0] = 1;
        System.arraycopy(shape, 0, batchOfOne, 1, shape.length);
        try (MemoryScope s = MemoryScope.open("build"); GradMode.Switch off = GradMode.noGrad()) {
            long[] out = body.apply(Var.of(Tensor.zeros(DType.F32, batchOfOne)), new Context(false, rng)).shape();
            outputShape = Arrays.copyOfRange(out, 1, out.length);
        }
        for (Layer l : layers) {
            if (!l.isBuilt()) throw new IllegalStateException("build: layer " + l.name() + " is declared but the body never calls it");
        }
        inputShape = shape.clone();
        return this;
    }

    @Override
    public long[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    @Override
    public long[] outputShape() {
        return outputShape == null ? null : outputShape.clone();
    }

    /** The body's output for {@code x}; builds the model from {@code x}'s shape on the first call. */
    @Override
    public Var forward(Var x, boolean training) {
        if (inputShape == null) {
            long[] s = x.shape();
            build(Arrays.copyOfRange(s, 1, s.length));
        }
        return body.apply(x, new Context(training, rng));
    }

    /** Trainable parameters of every layer, in the order of {@code layers}; empty before the model is built. */
    @Override
    public List<Var> params() {
        List<Var> p = new ArrayList<>();
        for (Layer l : layers) p.addAll(l.params());
        return p;
    }
}
