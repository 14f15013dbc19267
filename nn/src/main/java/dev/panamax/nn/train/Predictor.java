package dev.panamax.nn.train;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Model;
import dev.panamax.nn.Preprocessing;
import dev.panamax.nn.Model.OutputAndLoss;
import dev.panamax.nn.loss.Loss;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A built model's inference: {@link #predict} and {@link #evaluate}, in batches, in inference mode, without
 * recording gradients. A {@link Trainer} has one; a model that is only used (a loaded one) needs no more.
 *
 * <p>Threads: a predictor is used by one thread at a time (it reuses one arena). A built model that is not being
 * trained may be shared by many threads, each with its own predictor; their answers are bit-identical to one
 * thread's (tested with 8 threads).
 */
public final class Predictor implements AutoCloseable {
    private final Model model;
    private StepArena arena;

    /**
     * Inference for {@code model}; the predictor does not own it.
     *
     * @param model a built model
     */
    public Predictor(Model model) {
        this.model = model;
    }

    /**
     * The model's outputs for {@code x} (caller owns the result). Raw inputs are prepared a batch at a time as the model's
     * {@link Model#preprocessing()} says (8-bit pixels divided by 255, laid out as the model's input shape).
     *
     * @param x         the inputs (N, ...), raw or prepared
     * @param batchSize the examples per forward pass, positive
     * @return the outputs (N, ...outputShape)
     */
    public Tensor predict(Tensor x, int batchSize) {
        Inputs.requireBuilt("predict", model);
        try (Tensor shaped = laidOut(x)) {
            Inputs.check("predict", model, null, shaped, null);
            return predictInBatches(shaped, batchSize);
        }
    }

    private Tensor predictInBatches(Tensor x, int batchSize) {
        long[] outShape = model.outputShape();
        long n = x.dim(0);
        long[] shape = new long[outShape.length + 1];
        shape[0] = n;
        System.arraycopy(outShape, 0, shape, 1, outShape.length);
        Tensor result = Tensor.empty(DType.F32, shape);  // in the caller's scope; everything else in the arena
        try (GradMode.Switch off = GradMode.noGrad()) {
            for (long from = 0; from < n; from += batchSize) {
                long to = Math.min(n, from + batchSize);
                try (MemoryScope s = MemoryScope.open("predict", arena())) {
                    Tensor xb = batch(x, from, to);
                    Tensor out = model.forward(Var.of(xb), false).value();
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
     * Mean {@code loss} and accuracy over ({@code x}, {@code y}); raw inputs are prepared as in {@link #predict}.
     *
     * @param x         the inputs (N, ...)
     * @param y         the targets (N, ...), as {@code loss} takes them
     * @param loss      the loss to average
     * @param batchSize the examples per forward pass, positive
     * @return {@code loss} and {@code accuracy} by name
     */
    public Map<String, Double> evaluate(Tensor x, Tensor y, Loss loss, int batchSize) {
        Inputs.requireBuilt("evaluate", model);
        try (Tensor shaped = laidOut(x)) {
            Inputs.check("evaluate", model, loss, shaped, y);
            return evaluateInBatches(shaped, y, loss, batchSize);
        }
    }

    private Map<String, Double> evaluateInBatches(Tensor x, Tensor y, Loss loss, int batchSize) {
        long n = x.dim(0);
        double lossSum = 0, correct = 0;
        try (GradMode.Switch off = GradMode.noGrad()) {
            for (long from = 0; from < n; from += batchSize) {
                long to = Math.min(n, from + batchSize);
                try (MemoryScope s = MemoryScope.open("evaluate", arena())) {
                    Tensor xb = batch(x, from, to), yb = y.slice(0, from, to);
                    OutputAndLoss st = model.forwardWithLoss(Var.of(xb), yb, loss, false);
                    lossSum += st.loss().value().item() * (to - from);
                    correct += Metrics.correctExamples(st.output().value(), yb);
                }
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", lossSum / n);
        m.put("accuracy", correct / n);
        return m;
    }

    /** {@code x} laid out as the model takes it, values untouched (a view), or {@code x} itself without preprocessing. */
    private Tensor laidOut(Tensor x) {
        Preprocessing prep = model.preprocessing();
        return prep.equals(Preprocessing.NONE) ? x.reshape(x.shape()) : prep.laidOut(x, model.inputShape());
    }

    /**
     * Examples {@code [from, to)} as the model takes them, in the current scope: raw inputs are converted one batch at a
     * time, so that a data set of 8-bit pixels never exists as floats (MNIST's test set: 7.8 MB, not 31 MB).
     */
    private Tensor batch(Tensor x, long from, long to) {
        Tensor xb = x.slice(0, from, to);
        return x.dtype().isFloating() ? xb.contiguous() : model.preprocessing().apply(xb, model.inputShape());
    }

    /**
     * Memory for inference batches, reused from call to call: a tensor's own memory costs an allocator call
     * and a shared-arena close (tens of microseconds), which would dominate single-image latency.
     */
    private synchronized StepArena arena() {
        if (arena == null) {
            StepArena a = new StepArena(model.name() + " inference");
            // The buffers live as long as the weights: freed with the scope that owns them, else by close().
            List<Var> params = model.params();
            MemoryScope weightsOwner = params.isEmpty() ? null : params.get(0).value().owner();
            if (weightsOwner != null) {
                weightsOwner.onClose(() -> {
                    synchronized (this) {
                        if (arena == a) arena = null;
                    }
                    a.close();
                });
            }
            arena = a;
        }
        return arena;
    }

    /** Frees the inference buffers (they are made again if the predictor is used after). */
    @Override
    public synchronized void close() {
        if (arena != null) arena.close();
        arena = null;
    }
}
