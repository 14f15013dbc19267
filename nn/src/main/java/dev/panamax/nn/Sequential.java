package dev.panamax.nn;

import dev.panamax.autodiff.F;
import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.data.DataLoader;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Optimizer;
import dev.panamax.nn.train.History;
import dev.panamax.nn.train.TrainingListener;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A stack of layers, as in Keras: {@link #add}, {@link #build} (or the first fit), {@link #summary},
 * {@link #compile}, {@link #fit}, {@link #evaluate}, {@link #predict}. Parameters belong to the scope that
 * is open when the model is built (or to the model itself: {@link #close()} frees them).
 *
 * <p>Losses: {@code sparse_categorical_crossentropy} (labels are class indices; {@code fromLogits} when the
 * last layer has no softmax). Metric: accuracy.
 */
public final class Sequential implements AutoCloseable {
    private final String name;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, Integer> names = new HashMap<>();
    private long[] inputShape;
    private Optimizer optimizer;
    private dev.panamax.nn.loss.Loss lossFn;
    private final Rng rng;

    public Sequential(long seed) {
        this("sequential", seed);
    }

    public Sequential(String name, long seed) {
        this.name = name;
        this.rng = new Rng(seed);
    }

    /** The seed of weight initialisation and shuffling. */
    public long seed() {
        return rng.seed();
    }

    public Sequential add(Layer layer) {
        if (inputShape != null) throw new IllegalStateException("add: the model is already built; add layers before build()");
        int n = names.merge(layer.name(), 1, Integer::sum);
        if (n > 1) layer.rename(layer.name() + "_" + (n - 1));  // Keras names repeats conv2d, conv2d_1, ...
        layers.add(layer);
        return this;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Creates every layer's weights for inputs of {@code shape} (without the batch dimension). */
    public Sequential build(long... shape) {
        if (layers.isEmpty()) throw new IllegalStateException("build: the model has no layers");
        long[] s = shape.clone();
        for (Layer l : layers) {
            l.build(s, rng);
            s = l.outputShape(s);
        }
        inputShape = shape.clone();
        return this;
    }

    /** Saves architecture and weights to {@code dir}; see {@link dev.panamax.nn.io.ModelIo}. */
    public void save(java.nio.file.Path dir) throws java.io.IOException {
        dev.panamax.nn.io.ModelIo.save(this, dir);
    }

    /** Restores a model saved with {@link #save}: architecture from config.json, weights from model.safetensors. */
    public static Sequential load(java.nio.file.Path dir) throws java.io.IOException {
        return dev.panamax.nn.io.ModelIo.load(dir);
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public long[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    public List<Var> params() {
        List<Var> p = new ArrayList<>();
        layers.forEach(l -> p.addAll(l.params()));
        return p;
    }

    public long paramCount() {
        return layers.stream().mapToLong(Layer::paramCount).sum();
    }

    /** Keras' summary table: layer (type), output shape, parameter count, totals. */
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

    /** Sets the optimizer and the loss by Keras name (see {@link dev.panamax.nn.loss.Loss#byName}). */
    public Sequential compile(Optimizer optimizer, String loss, boolean fromLogits) {
        return compile(optimizer, dev.panamax.nn.loss.Loss.byName(loss, fromLogits));
    }

    public Sequential compile(Optimizer optimizer, dev.panamax.nn.loss.Loss loss) {
        this.optimizer = optimizer;
        this.lossFn = loss;
        return this;
    }

    private void requireBuilt(String op) {
        if (inputShape == null) throw new IllegalStateException(op + ": build the model first (build(inputShape) or fit)");
    }

    private void checkInput(String op, Tensor x, Tensor y) {
        long[] xs = x.shape();
        if (xs.length != inputShape.length + 1 || !Arrays.equals(Arrays.copyOfRange(xs, 1, xs.length), inputShape)) {
            throw new IllegalArgumentException(op + ": the model takes inputs of shape (batch, " + Arrays.toString(inputShape)
                    .replaceAll("[\\[\\]]", "") + "), got " + Arrays.toString(xs));
        }
        if (y != null && y.dim(0) != xs[0]) {
            throw new IllegalArgumentException(op + ": " + xs[0] + " inputs but " + y.dim(0) + " targets");
        }
        if (y != null && lossFn != null && lossFn.sparseLabels()) {
            if (y.rank() != 1 || y.dim(0) != xs[0]) {
                throw new IllegalArgumentException(op + ": labels must be one class index per example: shape (" + xs[0]
                        + "), got " + Arrays.toString(y.shape()));
            }
            long classes = layers.isEmpty() ? 0 : outputClasses();
            try (Tensor lo = y.min(); Tensor hi = y.max()) {
                if (lo.item() < 0 || hi.item() >= classes) {
                    throw new IllegalArgumentException(op + ": labels must lie in [0, " + classes + "), found values from "
                            + (long) lo.item() + " to " + (long) hi.item());
                }
            }
        }
    }

    private long outputClasses() {
        long[] s = inputShape;
        for (Layer l : layers) s = l.outputShape(s);
        return s[s.length - 1];
    }

    private boolean training = true;
    private dev.panamax.data.Augmentation augmentation = dev.panamax.data.Augmentation.NONE;

    /** Random augmentation of training images in {@link #fit} (images only; validation data is never augmented). */
    public Sequential augment(dev.panamax.data.Augmentation a) {
        this.augmentation = a;
        return this;
    }

    /** Training mode: dropout active, batch statistics used and updated (the default for {@link #forward(Var)}). */
    public Sequential train() {
        training = true;
        return this;
    }

    /** Inference mode: dropout off, running statistics used. */
    public Sequential eval() {
        training = false;
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    /** The model's output for a batch in the current mode ({@link #train()} / {@link #eval()}). */
    public Var forward(Var x) {
        return forward(x, training);
    }

    /**
     * One optimisation step on one batch (Keras' {@code train_on_batch}): returns the loss and accuracy.
     * Temporary memory lives in the caller's scope.
     */
    public Map<String, Double> trainOnBatch(Tensor x, Tensor y) {
        if (inputShape == null) build(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        if (optimizer == null) throw new IllegalStateException("trainOnBatch: compile the model first");
        checkInput("trainOnBatch", x, y);
        List<Var> params = params();
        params.forEach(Var::zeroGrad);
        Step st = lossStep(Var.of(x), y, true);
        Var out = st.output();
        Var loss = withPenalties(st.loss());
        double l = loss.value().item();
        if (!Double.isFinite(l)) throw new ArithmeticException("trainOnBatch: the loss became " + l);
        loss.backward();
        updateWeights(params);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", l);
        m.put("accuracy", correct(out.value(), y) / x.dim(0));
        return m;
    }

    /** The model's output for a batch. */
    public Var forward(Var x, boolean training) {
        return forwardLayers(x, layers.size(), training);
    }

    /**
     * The first {@code count} layers. A ReLU convolution followed by max pooling runs as conv → pool → bias+ReLU:
     * bias and ReLU are monotonic per channel, so max(relu(x + b)) = relu(max(x) + b), exactly, and the gradient
     * is the same too (ReLU's mask at each window's maximum is the pooled output's); the epilogue then touches
     * a quarter of the memory, which is most of a small CNN's non-GEMM time. The convolution and the pooling run
     * as one op, block by block, so the full-size convolution output never reaches memory.
     */
    private Var forwardLayers(Var x, int count, boolean training) {
        Var h = x;
        for (int i = 0; i < count; i++) {
            Layer l = layers.get(i);
            if (i + 1 < count && l instanceof Conv2D conv && conv.activation().equalsIgnoreCase("relu")
                    && layers.get(i + 1) instanceof MaxPooling2D pool && pool.isMax()) {
                h = F.biasRelu(conv.convolveAndPool(h, pool), conv.bias());
                i++;
                continue;
            }
            h = l.forward(h, training, rng);
        }
        return h;
    }

    private Var loss(Var out, Tensor labels) {
        if (lossFn == null) throw new IllegalStateException("compile the model first (optimizer and loss)");
        return lossFn.compute(out, labels);
    }

    /** The model's output and the loss on it (from the logits when the last layer is a softmax Dense, as Keras does). */
    private record Step(Var output, Var loss) {}

    private Step lossStep(Var x, Tensor labels, boolean training) {
        Layer last = layers.get(layers.size() - 1);
        Loss onLogits = lossFn == null ? null : lossFn.onLogits();
        if (onLogits != null && last instanceof Dense d && d.activation().equals("softmax")) {
            Var logits = d.logits(forwardLayers(x, layers.size() - 1, training));
            return new Step(F.softmax(logits, -1), onLogits.compute(logits, labels));
        }
        Var out = forward(x, training);
        return new Step(out, loss(out, labels));
    }

    /** One optimizer step, timed under {@code -Dpanamax.profile=true}. */
    private void updateWeights(List<Var> params) {
        long t0 = dev.panamax.autodiff.OpProfiler.ENABLED ? System.nanoTime() : 0;
        optimizer.step(params);
        if (dev.panamax.autodiff.OpProfiler.ENABLED) dev.panamax.autodiff.OpProfiler.record("(optimizer step)", System.nanoTime() - t0);
    }

    /** The data loss plus every layer's weight penalty. */
    private Var withPenalties(Var dataLoss) {
        Var total = dataLoss;
        for (Layer l : layers) {
            Var r = l.regularization();
            if (r != null) total = F.add(total, r);
        }
        return total;
    }

    /**
     * Trains for {@code epochs} passes over ({@code x}, {@code y}), shuffling examples and labels together
     * (with the model's seed) every epoch. The last {@code validationSplit} of the examples is held out for
     * validation, as in Keras.
     */
    public History fit(Tensor x, Tensor y, int epochs, int batchSize, double validationSplit, boolean shuffle,
                       TrainingListener listener) {
        return fit(x, y, epochs, batchSize, validationSplit, null, null, shuffle, listener);
    }

    /**
     * {@link #fit} with explicit validation data ({@code xVal}, {@code yVal}), evaluated after every epoch
     * (Keras' {@code validation_data}); pass nulls to use {@code validationSplit} instead.
     */
    public History fit(Tensor x, Tensor y, int epochs, int batchSize, double validationSplit, Tensor xVal, Tensor yVal,
                       boolean shuffle, TrainingListener listener) {
        return fit(x, y, 0, epochs, batchSize, validationSplit, xVal, yVal, shuffle, listener);
    }

    /**
     * {@link #fit} starting at epoch {@code initialEpoch} (0-based) and ending before {@code epochs}, as Keras'
     * {@code initial_epoch}: with a restored checkpoint, training continues exactly where it stopped.
     */
    public History fit(Tensor x, Tensor y, int initialEpoch, int epochs, int batchSize, double validationSplit, Tensor xVal,
                       Tensor yVal, boolean shuffle, TrainingListener listener) {
        if (inputShape == null) build(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        if (optimizer == null) throw new IllegalStateException("fit: compile the model first (optimizer and loss)");
        if (batchSize <= 0 || epochs <= 0) throw new IllegalArgumentException("fit: epochs and batch size must be positive");
        if (validationSplit < 0 || validationSplit >= 1) throw new IllegalArgumentException("fit: validationSplit must be in [0, 1)");
        checkInput("fit", x, y);
        long n = x.dim(0);
        long nVal = (long) Math.floor(n * validationSplit), nTrain = n - nVal;
        History history = new History();
        List<Var> params = params();
        if (listener != null) listener.onTrainBegin(this);
        try (StepArena arena = new StepArena("fit");
             Tensor xt = x.slice(0, 0, nTrain); Tensor yt = y.slice(0, 0, nTrain);
             Tensor xc = xt.to(DType.F32).contiguous(); Tensor yc = yt.contiguous();
             DataLoader loader = new DataLoader(xc, yc, batchSize, false, rng.seed(), augmentation)) {
            for (int epoch = initialEpoch; epoch < epochs; epoch++) {
                int[] order = shuffle ? new Rng(rng.seed() * 31 + epoch).permutation((int) nTrain) : identity((int) nTrain);
                int steps = loader.steps();
                if (listener != null) listener.onEpochBegin(epoch, epochs, steps);
                double lossSum = 0, correct = 0;
                long seen = 0;
                int step = 0;
                for (DataLoader.Batch batch : loader.batches(order, epoch)) {
                    try (MemoryScope s = MemoryScope.open("step", arena)) {
                        Tensor xb = batch.images(), yb = batch.labels();
                        int size = batch.size();
                        params.forEach(Var::zeroGrad);
                        Step st = lossStep(Var.of(xb), yb, true);
                        Var out = st.output();
                        Var loss = withPenalties(st.loss());
                        double l = loss.value().item();
                        if (!Double.isFinite(l)) {
                            throw new ArithmeticException("fit: the loss became " + l + " in epoch " + (epoch + 1) + ", batch "
                                    + (step + 1) + ". Lower the learning rate or check the inputs for NaN/Inf.");
                        }
                        loss.backward();
                        updateWeights(params);
                        lossSum += l * size;
                        correct += correct(out.value(), yb);
                        seen += size;
                    }
                    batch.images().close();  // views of the loader's reused buffers
                    batch.labels().close();
                    if (listener != null) {
                        listener.onBatchEnd(step, (int) seen, Map.of("loss", lossSum / seen, "accuracy", correct / seen));
                    }
                    step++;
                }
                Map<String, Double> logs = new LinkedHashMap<>();
                logs.put("loss", lossSum / seen);
                logs.put("accuracy", correct / seen);
                if (nVal > 0 || xVal != null) {
                    try (MemoryScope s = MemoryScope.open("validation", arena)) {
                        Tensor xv = xVal != null ? xVal : x.slice(0, nTrain, n), yv = yVal != null ? yVal : y.slice(0, nTrain, n);
                        Map<String, Double> val = evaluate(xv, yv, Math.max(batchSize, 256));
                        logs.put("val_loss", val.get("loss"));
                        logs.put("val_accuracy", val.get("accuracy"));
                    }
                }
                history.record(logs);
                if (listener != null) {
                    listener.onEpochEnd(epoch, logs);
                    if (listener.shouldStop()) break;
                }
            }
        }
        if (listener != null) listener.onTrainEnd(this);
        return history;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static double correct(Tensor probs, Tensor labels) {
        return dev.panamax.nn.train.Metrics.correct(probs, labels);
    }

    /** Mean loss and accuracy over ({@code x}, {@code y}), in batches, without recording gradients. */
    public Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize) {
        requireBuilt("evaluate");
        checkInput("evaluate", x, y);
        long n = x.dim(0);
        double lossSum = 0, correct = 0;
        try (GradMode.Switch off = GradMode.noGrad()) {
            for (long from = 0; from < n; from += batchSize) {
                long to = Math.min(n, from + batchSize);
                try (MemoryScope s = MemoryScope.open("evaluate", inferenceArena())) {
                    Tensor xb = x.slice(0, from, to), yb = y.slice(0, from, to);
                    Step st = lossStep(Var.of(xb.contiguous()), yb, false);
                    Var out = st.output();
                    lossSum += st.loss().value().item() * (to - from);
                    correct += correct(out.value(), yb);
                }
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", lossSum / n);
        m.put("accuracy", correct / n);
        return m;
    }

    /** The model's outputs for {@code x} (caller owns the result). */
    public Tensor predict(Tensor x, int batchSize) {
        requireBuilt("predict");
        checkInput("predict", x, null);
        long[] outShape = inputShape;
        for (Layer l : layers) outShape = l.outputShape(outShape);
        long n = x.dim(0);
        long[] shape = new long[outShape.length + 1];
        shape[0] = n;
        System.arraycopy(outShape, 0, shape, 1, outShape.length);
        Tensor result = Tensor.empty(DType.F32, shape);  // in the caller's scope; everything else in the arena
        try (GradMode.Switch off = GradMode.noGrad()) {
            for (long from = 0; from < n; from += batchSize) {
                long to = Math.min(n, from + batchSize);
                try (MemoryScope s = MemoryScope.open("predict", inferenceArena())) {
                    Tensor xb = x.slice(0, from, to).contiguous();
                    Tensor out = forward(Var.of(xb), false).value();
                    result.slice(0, from, to).copyFrom(out);
                }
            }
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
        return result;
    }

    /**
     * Memory for inference batches, reused from call to call: a tensor's own memory costs an allocator call
     * and a shared-arena close (tens of microseconds), which would dominate single-image latency.
     */
    private synchronized StepArena inferenceArena() {
        if (inferenceArena == null) {
            StepArena a = new StepArena(name + " inference");
            // The buffers live as long as the weights: freed with the scope that owns them, else by close().
            MemoryScope weightsOwner = params().isEmpty() ? null : params().get(0).value().owner();
            if (weightsOwner != null) {
                weightsOwner.onClose(() -> {
                    synchronized (this) {
                        if (inferenceArena == a) inferenceArena = null;
                    }
                    a.close();
                });
            }
            inferenceArena = a;
        }
        return inferenceArena;
    }

    private StepArena inferenceArena;

    /** Frees the parameters (and optimizer state) if the model owns them. */
    @Override
    public void close() {
        if (optimizer != null) optimizer.close();
        synchronized (this) {
            if (inferenceArena != null) inferenceArena.close();
            inferenceArena = null;
        }
        for (Var p : params()) {
            p.clearGrad();
            if (p.value().owner() == null) p.value().close();
        }
    }
}
