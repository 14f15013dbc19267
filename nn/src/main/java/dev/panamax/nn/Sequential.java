package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.nn.loss.Loss;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A stack of layers, as in Keras: {@link #add}, {@link #build}, {@link #summary}; trained, evaluated and used
 * for prediction by {@code dev.panamax.nn.train.Trainer}, saved and loaded by {@code dev.panamax.nn.io.ModelIo}.
 * Parameters belong to the scope that is open when the layers are made (or to the model: {@link #close()}
 * frees them).
 *
 * <p>The stack runs as the fusion pass rewrites it: a ReLU convolution and the max pooling after it run as one
 * op, and while training a final softmax {@link Dense} hands its logits to the loss.
 */
public final class Sequential implements Model {
    private final String name;
    private final List<Layer> layers = new ArrayList<>();
    private final LayerNames names = new LayerNames();
    private final Rng rng;
    private long[] inputShape;
    private FusedStack inferenceStack, trainingStack;
    private Loss trainingLoss;
    private Preprocessing preprocessing = Preprocessing.NONE;

    /**
     * An empty stack named "sequential".
     *
     * @param seed the seed of weight initialisation, dropout, shuffling and augmentation
     */
    public Sequential(long seed) {
        this("sequential", seed);
    }

    /**
     * An empty stack.
     *
     * @param name the model's name in summaries
     * @param seed the seed of weight initialisation, dropout, shuffling and augmentation
     */
    public Sequential(String name, long seed) {
        this.name = name;
        this.rng = new Rng(seed);
    }

    @Override
    public String name() {
        return name;
    }

    /** The seed of weight initialisation, dropout, shuffling and augmentation. */
    @Override
    public long seed() {
        return rng.seed();
    }

    /**
     * Records how raw inputs are prepared for this model (saved in its config, applied by {@code Predictor}).
     *
     * @param p the preprocessing, e.g. {@link Preprocessing#pixels()}
     * @return this model
     */
    public Sequential preprocessing(Preprocessing p) {
        this.preprocessing = p == null ? Preprocessing.NONE : p;
        return this;
    }

    @Override
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * Appends a layer, renaming it when its name is taken ({@code dense}, {@code dense_1}, …).
     *
     * @param layer the next layer; its input is the previous layer's output
     * @return this model
     *
     * @throws IllegalStateException when the model is already built
     */
    public Sequential add(Layer layer) {
        if (inputShape != null) throw new IllegalStateException("add: the model is already built; add layers before build()");
        names.claim(layer);
        layers.add(layer);
        return this;
    }

    @Override
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** Creates every layer's weights for inputs of {@code shape} (without the batch dimension). */
    @Override
    public Sequential build(long... shape) {
        if (layers.isEmpty()) throw new IllegalStateException("build: the model has no layers");
        if (inputShape != null) {
            if (!Arrays.equals(inputShape, shape)) {
                throw new IllegalStateException("build: the model is built for inputs " + Arrays.toString(inputShape) + ", not " + Arrays.toString(shape));
            }
            return this;
        }
        long[] s = shape.clone();
        for (Layer l : layers) {
            try {
                l.build(s, rng);
            } catch (dev.panamax.tensors.memory.AllocationFailedException e) {
                throw e.in("build: layer '" + l.name() + "' (" + l.getClass().getSimpleName() + ") on input " + Arrays.toString(s));
            }
            s = l.outputShape(s);
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
        if (inputShape == null) return null;
        long[] s = inputShape;
        for (Layer l : layers) s = l.outputShape(s);
        return s;
    }

    @Override
    public List<Var> params() {
        List<Var> p = new ArrayList<>();
        layers.forEach(l -> p.addAll(l.params()));
        return p;
    }

    /** {@return Keras' summary table: layer (type), output shape, parameter count, totals; the model must be built} */
    public String summary() {
        requireBuilt("summary");
        String line = "_".repeat(65);
        StringBuilder sb = new StringBuilder("Model: \"" + name + "\"\n" + line + "\n");
        sb.append(String.format(Locale.ROOT, " %-27s %-25s %-10s%n", "Layer (type)", "Output Shape", "Param #"));
        sb.append("=".repeat(65)).append('\n');
        long[] s = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            s = l.outputShape(s);
            String shape = "(None, " + String.join(", ", Arrays.stream(s).mapToObj(Long::toString).toList()) + ")";
            sb.append(String.format(Locale.ROOT, " %-27s %-25s %-10s%n", l.name() + " (" + l.type() + ")", shape,
                    String.format(Locale.ROOT, "%,d", l.paramCount() + l.nonTrainableCount())));
            sb.append(i == layers.size() - 1 ? "=".repeat(65) : " ").append('\n');
        }
        long trainable = paramCount(), fixed = layers.stream().mapToLong(Layer::nonTrainableCount).sum();
        sb.append(String.format(Locale.ROOT, "Total params: %,d%nTrainable params: %,d%nNon-trainable params: %,d%n%s%n",
                trainable + fixed, trainable, fixed, line));
        return sb.toString();
    }

    private void requireBuilt(String op) {
        if (inputShape == null) throw new IllegalStateException(op + ": build the model first (build(inputShape), or fit it)");
    }

    /** The model's output for a batch: the layers as the fusion pass rewrites them for inference. */
    @Override
    public Var forward(Var x, boolean training) {
        requireBuilt("forward");
        if (hooked()) return layerByLayer(x, training);
        if (inferenceStack == null) inferenceStack = Fusion.rewrite(layers, null);
        return inferenceStack.forward(x, training, rng);
    }

    /** The output and the loss: the layers as the fusion pass rewrites them for {@code loss}. */
    @Override
    public OutputAndLoss forwardWithLoss(Var x, Tensor target, Loss loss, boolean training) {
        requireBuilt("forwardWithLoss");
        if (hooked()) {
            Var out = layerByLayer(x, training);
            return new OutputAndLoss(out, loss.compute(out, target));
        }
        if (loss != trainingLoss) {
            trainingStack = Fusion.rewrite(layers, loss);
            trainingLoss = loss;
        }
        return trainingStack.forwardWithLoss(x, target, training, rng);
    }

    /** A layer with forward hooks must be seen running alone, so a hooked stack runs unfused. */
    private boolean hooked() {
        for (Layer l : layers) if (l.hasForwardHooks()) return true;
        return false;
    }

    private Var layerByLayer(Var x, boolean training) {
        Var h = x;
        for (Layer l : layers) h = l.call(h, training, rng);
        return h;
    }
}
