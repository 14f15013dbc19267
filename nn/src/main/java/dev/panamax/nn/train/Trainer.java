package dev.panamax.nn.train;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.OpProfiler;
import dev.panamax.autodiff.Var;
import dev.panamax.data.DataLoader;
import dev.panamax.nn.Model;
import dev.panamax.nn.Preprocessing;
import dev.panamax.nn.Model.OutputAndLoss;
import dev.panamax.nn.dist.Collective;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Optimizer;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * The training engine for every {@link Model} ({@code Sequential}, {@code FunctionalModel}, a user's own): the
 * model, its optimizer and its loss are set here once (Keras' {@code compile}), then {@link #fit},
 * {@link #trainOnBatch}, {@link #evaluate} and {@link #predict} use them. Metrics are the loss and the accuracy.
 *
 * <pre>{@code
 * Sequential model = Models.tutorialCnn(42, 10);
 * try (Trainer trainer = new Trainer(model, new Adam(1e-3), Loss.byName("sparse_categorical_crossentropy", false))) {
 *     History h = trainer.fit(x, y, FitOptions.builder().epochs(5).validationSplit(0.1).build());
 *     Map<String, Double> test = trainer.evaluate(xTest, yTest, 500);
 * }
 * }</pre>
 *
 * <p>A training step: the batch's forward pass records the tape, the loss (plus any weight penalty) is checked
 * for NaN/Inf before anything changes, backward adds the gradients into the parameters and the optimizer updates
 * them in place. In {@link #fit} every step runs in a scope on one {@link StepArena}, sized on the first step
 * and reused after, and the batches are views of the data loader's two reused buffers: a steady-state step makes
 * no allocator calls. Validation after each epoch runs in inference mode; the next step trains again.
 *
 * <p>The trainer owns the optimizer's state and the inference buffers ({@link #close()} frees them), not the
 * model.
 */
public final class Trainer implements AutoCloseable {
    private final Model model;
    private final Optimizer optimizer;
    private final Loss loss;
    private final Predictor predictor;
    private Collective group;
    /** Set while {@link #fit} or {@link #trainOnBatch} trains on several processes, else null. */
    private DataParallel parallel;
    /** {@link #trainOnBatch}'s, made on its first call on several processes, kept until {@link #close()}. */
    private DataParallel batchParallel;

    /**
     * A trainer in the process group this process was started in ({@link Collective#world()}: one, or mpirun's).
     *
     * @param model     the model, built or to be built on first use; the trainer does not own it
     * @param optimizer updates the model's parameters
     * @param loss      the training loss
     * @throws NullPointerException when the model, optimizer or loss is null
     */
    public Trainer(Model model, Optimizer optimizer, Loss loss) {
        this(model, optimizer, loss, null);
    }

    /**
     * A trainer whose {@link #fit} trains data-parallel over {@code group}: every process holds the whole model
     * and reads its own share of each epoch's examples; gradients are averaged across the processes before every
     * update, so N processes with batches of B train as one process with batches of N × B.
     *
     * @param model     the model, built or to be built on first use; the trainer does not own it
     * @param optimizer updates the model's parameters
     * @param loss      the training loss
     * @param group     the processes to train over, or null for the one this process was started in
     * @throws NullPointerException when the model, optimizer or loss is null
     */
    public Trainer(Model model, Optimizer optimizer, Loss loss, Collective group) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.loss = Objects.requireNonNull(loss, "loss");
        this.predictor = new Predictor(model);
        this.group = group;
    }

    /** {@return the processes {@link #fit} trains on (resolved on first use)} */
    public Collective group() {
        if (group == null) group = Collective.world();
        return group;
    }

    /** {@return the model being trained} */
    public Model model() {
        return model;
    }

    /** {@return the optimizer (callbacks adjust its learning rate)} */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** {@return the training loss} */
    public Loss loss() {
        return loss;
    }

    /**
     * One optimisation step on one batch (Keras' {@code train_on_batch}): returns the loss and accuracy.
     * Temporary memory lives in the caller's scope. On several processes each passes its own batch, gradients are
     * averaged across them before the update, and the returned metrics are this process's own.
     *
     * @param x the batch's inputs (B, ...)
     * @param y the batch's targets, as the loss takes them
     * @return {@code loss} and {@code accuracy} on the batch, by name
     */
    public Map<String, Double> trainOnBatch(Tensor x, Tensor y) {
        try {
            buildFor(x);
            Inputs.check("trainOnBatch", model, loss, x, y);
            if (group().size() > 1 && batchParallel == null) {
                // Several processes: each passes its own batch; the first call aligns the parameters, every step averages gradients.
                batchParallel = new DataParallel(group(), model.params());
                batchParallel.broadcastParameters();
            }
            parallel = batchParallel;
            Step s = step(model.params(), x, y, l -> "trainOnBatch: the loss became " + l);
            return logs(s.loss(), s.correct() / x.dim(0));
        } catch (RuntimeException e) {
            throw stopEveryRank(e);
        } finally {
            parallel = null;
        }
    }

    /**
     * On several processes a failed step would leave the others waiting forever in their next reduction: this ends
     * them all (MPI_Abort), saying which one failed and why. In one process it returns {@code e} to rethrow.
     */
    private RuntimeException stopEveryRank(RuntimeException e) {
        Collective g = group;
        if (g != null && g.size() > 1) {
            System.err.println("panamax: rank " + g.rank() + " of " + g.size() + " failed, stopping every rank: " + e.getMessage());
            g.abort(1);
        }
        return e;
    }

    /**
     * Trains on ({@code x}, {@code y}) as {@code options} say, shuffling examples and labels together (seeded by
     * the model) every epoch; returns the per-epoch metrics.
     *
     * @param x       the training inputs (N, ...)
     * @param y       the training targets (N, ...)
     * @param options epochs, batch size, validation, callbacks…
     * @return the per-epoch metrics (loss, accuracy, and val_ ones with validation)
     * @throws IllegalArgumentException when the data does not fit the model or a label is out of range
     */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        buildFor(x);
        Inputs.check("fit", model, loss, x, y);
        long n = x.dim(0);
        long nVal = options.validationX() != null ? 0 : (long) Math.floor(n * options.validationSplit()), nTrain = n - nVal;
        long seed = model.seed();
        History history = new History();
        List<Var> params = model.params();
        Collective g = group();
        // Only rank 0 prints and writes files; listeners that steer training (early stopping, rates) run everywhere.
        TrainingListener listener = Callbacks.all(g.rank() == 0 ? options.callbacks()
                : options.callbacks().stream().filter(TrainingListener::everyRank).toList());
        listener.onTrainBegin(this);
        // 8-bit inputs (raw pixels) stay bytes, a quarter of the memory: the loader scales each batch as the model's
        // preprocessing says, as predict and evaluate do. Other inputs are prepared once, as a whole.
        Preprocessing prep = model.preprocessing();
        boolean bytes = x.dtype() == DType.U8;
        try (StepArena arena = new StepArena("fit");
             Tensor xt = x.slice(0, 0, nTrain); Tensor yt = y.slice(0, 0, nTrain);
             Tensor xp = bytes ? xt.contiguous() : prep.apply(xt, model.inputShape()); Tensor xc = xp.contiguous(); Tensor yc = yt.contiguous();
             DataLoader loader = new DataLoader(xc, yc, options.batchSize(), false, seed, options.augmentation(), prep.scale(), prep.offset());
             DataParallel dp = g.size() > 1 ? new DataParallel(g, params) : null) {
            parallel = dp;
            if (dp != null) dp.broadcastParameters();
            for (int epoch = options.initialEpoch(); epoch < options.epochs(); epoch++) {
                int[] order = options.shuffle() ? new Rng(seed * 31 + epoch).permutation((int) nTrain) : identity((int) nTrain);
                order = Shards.of(order, g.rank(), g.size());
                listener.onEpochBegin(epoch, options.epochs(), (order.length + options.batchSize() - 1) / options.batchSize());
                double lossSum = 0, correct = 0;
                long seen = 0;
                int step = 0;
                for (DataLoader.Batch batch : loader.batches(order, epoch)) {
                    try (MemoryScope s = MemoryScope.open("step", arena)) {
                        int e = epoch, b = step;
                        Step st = step(params, batch.images(), batch.labels(), l -> "fit: the loss became " + l + " in epoch " + (e + 1)
                                + ", batch " + (b + 1) + ". Lower the learning rate or check the inputs for NaN/Inf.");
                        lossSum += st.loss() * batch.size();
                        correct += st.correct();
                        seen += batch.size();
                    }
                    batch.images().close();  // views of the loader's reused buffers
                    batch.labels().close();
                    listener.onBatchEnd(step, (int) seen, Map.of("loss", lossSum / seen, "accuracy", correct / seen));
                    step++;
                }
                if (dp != null) {
                    dp.pause();
                    double[] totals = {lossSum, correct, seen};
                    dp.sum(totals);
                    lossSum = totals[0];
                    correct = totals[1];
                    seen = (long) totals[2];
                }
                Map<String, Double> logs = logs(lossSum / seen, correct / seen);
                if (nVal > 0 || options.validationX() != null) {
                    try (MemoryScope s = MemoryScope.open("validation", arena)) {
                        Tensor xv = options.validationX() != null ? options.validationX() : x.slice(0, nTrain, n);
                        Tensor yv = options.validationY() != null ? options.validationY() : y.slice(0, nTrain, n);
                        Map<String, Double> val = validate(xv, yv, Math.max(options.batchSize(), 256), dp);
                        logs.put("val_loss", val.get("loss"));
                        logs.put("val_accuracy", val.get("accuracy"));
                    }
                }
                history.record(logs);
                listener.onEpochEnd(epoch, logs);
                if (listener.shouldStop()) break;
            }
            if (dp != null) report(dp);
        } catch (RuntimeException e) {
            throw stopEveryRank(e);
        } finally {
            parallel = null;
        }
        listener.onTrainEnd(this);
        return history;
    }

    /**
     * Mean loss and accuracy over ({@code x}, {@code y}), in batches, in inference mode, without recording gradients.
     *
     * @param x         the inputs (N, ...)
     * @param y         the targets (N, ...)
     * @param batchSize the examples per forward pass, positive
     * @return {@code loss} and {@code accuracy} by name
     */
    public Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize) {
        return predictor.evaluate(x, y, loss, batchSize);
    }

    /**
     * The model's outputs for {@code x}, in inference mode (caller owns the result).
     *
     * @param x         the inputs (N, ...)
     * @param batchSize the examples per forward pass, positive
     * @return the outputs (N, ...outputShape)
     */
    public Tensor predict(Tensor x, int batchSize) {
        return predictor.predict(x, batchSize);
    }

    /** {@link #evaluate}, each process on its own part of the examples when {@code dp} is set, the means combined. */
    private Map<String, Double> validate(Tensor xv, Tensor yv, int batchSize, DataParallel dp) {
        if (dp == null) return evaluate(xv, yv, batchSize);
        Collective g = group();
        long n = xv.dim(0), from = n * g.rank() / g.size(), to = n * (g.rank() + 1) / g.size();
        double[] totals = {0, 0, to - from};  // loss sum, correct, examples
        if (to > from) {
            try (Tensor xs = xv.slice(0, from, to); Tensor ys = yv.slice(0, from, to)) {
                Map<String, Double> m = evaluate(xs, ys, batchSize);
                totals[0] = m.get("loss") * (to - from);
                totals[1] = m.get("accuracy") * (to - from);
            }
        }
        dp.sum(totals);
        return logs(totals[0] / totals[2], totals[1] / totals[2]);
    }

    /** A step's loss (with penalties) and how many examples it classified right. */
    private record Step(double loss, double correct) {}

    /** The one training step of {@link #fit} and {@link #trainOnBatch}; its temporaries live in the caller's scope. */
    private Step step(List<Var> params, Tensor x, Tensor y, DoubleFunction<String> nonFinite) {
        params.forEach(Var::zeroGrad);
        OutputAndLoss st = model.forwardWithLoss(Var.of(x), y, loss, true);
        Var penalty = model.regularization();
        Var total = penalty == null ? st.loss() : F.add(st.loss(), penalty);
        double l = total.value().item();
        if (!Double.isFinite(l)) throw new ArithmeticException(nonFinite.apply(l));
        if (parallel != null) parallel.beforeBackward();
        total.backward();
        if (parallel != null) parallel.finish();  // gradients averaged over the processes
        updateWeights(params);
        return new Step(l, Metrics.correctExamples(st.output().value(), y));
    }

    /** One optimizer step, timed under {@code -Dpanamax.profile=true}. */
    private void updateWeights(List<Var> params) {
        long t0 = OpProfiler.ENABLED ? System.nanoTime() : 0;
        optimizer.step(params);
        if (OpProfiler.ENABLED) OpProfiler.record("(optimizer step)", System.nanoTime() - t0);
    }

    private static final System.Logger LOG = System.getLogger(Trainer.class.getName());

    private void report(DataParallel dp) {
        if (group().rank() == 0) LOG.log(System.Logger.Level.INFO, dp.report());
    }

    private void buildFor(Tensor x) {
        if (model.inputShape() == null) model.build(Arrays.copyOfRange(x.shape(), 1, x.rank()));
    }

    private static Map<String, Double> logs(double loss, double accuracy) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("accuracy", accuracy);
        return m;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** Frees the optimizer's state and the inference buffers; the model stays as it is. */
    @Override
    public void close() {
        if (batchParallel != null) {
            report(batchParallel);
            batchParallel.close();
            batchParallel = null;
        }
        predictor.close();
        optimizer.close();
    }
}
