package dev.panamax.apps.gpt;

import dev.panamax.data.text.BpeTokenizer;
import dev.panamax.data.text.CharTokenizer;
import dev.panamax.data.text.Corpora;
import dev.panamax.data.text.TextCorpus;
import dev.panamax.data.text.Tokenizer;
import dev.panamax.data.text.Tokens;
import dev.panamax.data.text.WindowSampler;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.optim.LearningRateSchedule;
import dev.panamax.nn.train.Predictor;
import dev.panamax.nn.train.Trainer;
import dev.panamax.nn.dist.Collective;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.nn.transformer.GptConfig;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Trains a character- (or GPT-2 BPE-) level GPT on a text, nanoGPT's Shakespeare-char recipe on the CPU: random
 * windows of {@code context + 1} tokens, AdamW (betas 0.9, 0.99; weight decay 0.1 on the kernels only; global
 * gradient norm clipped to 1), a learning rate warmed up linearly and then decayed along a cosine to a tenth of
 * its peak, and every {@code evalInterval} steps the mean loss over fixed windows of the training and the
 * validation text (the last 10 %); every {@code checkpointEvery} steps a resumable checkpoint, and after the last step the
 * model folder with the optimizer state, so a finished run can be continued too ({@link GptArtifacts}).
 *
 * <pre>{@code
 * GptTraining.Result r = GptTraining.run(GptTraining.Options.builder().corpus("english").iters(2000)
 *         .modelDir(Path.of("out/gpt/model")).build(), GptTraining.Listener.NONE);
 * }</pre>
 *
 * <p>Messages about bad options name them as {@code ./panamax train gpt} spells them ({@code --heads}...).
 */
public final class GptTraining {
    /** The corpora known by name: {@code english} (the Brown corpus) and {@code poetry} (the Tang poems). */
    public static final List<String> CORPORA = List.of("english", "poetry");

    private GptTraining() {}

    /** How text becomes tokens. */
    public enum TokenizerKind {
        /** One token per code point; the vocabulary is the text's own characters (saved with the model). */
        CHAR,
        /** GPT-2's byte-level BPE (50,257 tokens), from the cache. */
        GPT2;

        /** The name on the command line and in {@code config.json}: {@code char} or {@code gpt2}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind called {@code id}; refuses any other name, listing the known ones. */
        public static TokenizerKind of(String id) {
            for (TokenizerKind k : values()) if (k.id().equals(id)) return k;
            throw new IllegalArgumentException("--tokenizer " + id + ": unknown; choose char or gpt2");
        }
    }

    /**
     * What to train and how. Make one with {@link #builder()}; {@link Builder#build()} checks every value.
     *
     * @param corpus       a named corpus ({@link #CORPORA}), used when {@code dataFile} is null
     * @param dataFile     a UTF-8 text file to train on instead of a named corpus, or null
     * @param tokenizer    how text becomes tokens
     * @param iters        optimizer steps in all (a resumed run continues up to this many)
     * @param batch        windows per step
     * @param context      tokens per window, and the model's context length (a resumed model keeps its own, which
     *                     must be at least this)
     * @param layers       transformer blocks
     * @param heads        attention heads per block; must divide {@code dim}
     * @param dim          embedding width
     * @param lr           peak learning rate
     * @param minLr        learning rate at the end of the cosine decay
     * @param warmup       steps of linear warm-up
     * @param weightDecay  AdamW's decoupled weight decay, on kernels only
     * @param clipNorm     global gradient norm limit
     * @param attentionDropout probability of dropping an attention probability while training (0: none; nanoGPT's
     *                     Shakespeare-char recipe uses 0.2 for all its dropouts)
     * @param evalInterval steps between evaluations; the last step always evaluates
     * @param evalWindows  fixed windows each evaluation averages over, in each of training and validation text
     * @param seed         seed of the weights and of the training windows
     * @param modelDir     the model folder, written (whole, with the optimizer's state) after the last step
     * @param checkpointDir where a resumable checkpoint is written every {@code checkpointEvery} steps before the
     *                     last (by default {@code modelDir})
     * @param checkpointEvery steps between checkpoints, 0 for none (by default {@code evalInterval})
     * @param resumeFrom   a checkpoint or model folder to continue from, or null: its tokenizer and model shape
     *                     stay; the options must name the same layers, heads and width
     */
    public record Options(String corpus, Path dataFile, TokenizerKind tokenizer, int iters, int batch, int context, int layers, int heads,
                          int dim, double lr, double minLr, int warmup, double weightDecay, double clipNorm, double attentionDropout, int evalInterval,
                          int evalWindows,
                          long seed, Path modelDir, Path checkpointDir, int checkpointEvery, Path resumeFrom) {
        public Options {
            Objects.requireNonNull(tokenizer, "tokenizer");
            Objects.requireNonNull(modelDir, "modelDir");
            Objects.requireNonNull(checkpointDir, "checkpointDir");
            if (checkpointEvery < 0) throw new IllegalArgumentException("--checkpoint-every must be 0 or more, got " + checkpointEvery);
            if (dataFile == null && !CORPORA.contains(corpus)) {
                throw new IllegalArgumentException("--corpus " + corpus + ": unknown; choose " + String.join(" or ", CORPORA) + ", or give --data FILE");
            }
            positive("--iters", iters);
            positive("--batch-size", batch);
            positive("--context", context);
            positive("--layers", layers);
            positive("--heads", heads);
            positive("--dim", dim);
            positive("--eval-interval", evalInterval);
            positive("--eval-windows", evalWindows);
            if (dim % heads != 0) throw new IllegalArgumentException("--heads " + heads + " does not divide --dim " + dim + "; each head takes dim / heads channels");
            if (!(lr > 0) || !(minLr > 0) || minLr > lr) {
                throw new IllegalArgumentException("--lr must be positive and at least the final rate " + minLr + ", got " + lr);
            }
            if (warmup < 0) throw new IllegalArgumentException("warm-up steps must not be negative, got " + warmup);
            if (!(weightDecay >= 0) || !(clipNorm > 0)) {
                throw new IllegalArgumentException("weight decay must be ≥ 0 and the clipping norm positive, got " + weightDecay + " and " + clipNorm);
            }
            if (!(attentionDropout >= 0 && attentionDropout < 1)) {
                throw new IllegalArgumentException("--attention-dropout must be in [0, 1), got " + attentionDropout);
            }
        }

        private static void positive(String option, int value) {
            if (value <= 0) throw new IllegalArgumentException(option + " must be positive, got " + value);
        }

        /** A builder holding nanoGPT's Shakespeare-char CPU defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** The model's shape for a vocabulary of {@code vocab} tokens. */
        public GptConfig config(int vocab) {
            return new GptConfig(vocab, context, layers, heads, dim, false, attentionDropout);
        }

        /** What the text is called in messages and reports: the corpus name or the file. */
        public String source() {
            return dataFile != null ? dataFile.toString() : corpus;
        }
    }

    /** Builds {@link Options}; every setter returns the builder. */
    public static final class Builder {
        private String corpus = "english";
        private Path dataFile;
        private TokenizerKind tokenizer = TokenizerKind.CHAR;
        private int iters = 2000, batch = 12, context = 64, layers = 4, heads = 4, dim = 128, warmup = 100, evalInterval = 250, evalWindows = 200;
        private double lr = 1e-3, minLr = 1e-4, weightDecay = 0.1, clipNorm = 1.0, attentionDropout;
        private long seed = 42;
        private Path modelDir = Path.of("out/gpt/model"), checkpointDir, resumeFrom;
        private int checkpointEvery = -1;
        private boolean resume;

        private Builder() {}

        public Builder corpus(String v) { corpus = v; return this; }
        public Builder dataFile(Path v) { dataFile = v; return this; }
        public Builder tokenizer(TokenizerKind v) { tokenizer = v; return this; }
        public Builder iters(int v) { iters = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder context(int v) { context = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder heads(int v) { heads = v; return this; }
        public Builder dim(int v) { dim = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder minLr(double v) { minLr = v; return this; }
        public Builder warmup(int v) { warmup = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder attentionDropout(double v) { attentionDropout = v; return this; }
        public Builder evalInterval(int v) { evalInterval = v; return this; }
        public Builder evalWindows(int v) { evalWindows = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder modelDir(Path v) { modelDir = v; return this; }
        /** Continue from the checkpoint in the model folder (as a stopped run with the default checkpoints left it). */
        public Builder resume(boolean v) { resume = v; return this; }
        public Builder resumeFrom(Path v) { resumeFrom = v; return this; }
        public Builder checkpointDir(Path v) { checkpointDir = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }

        /** The options, checked. */
        public Options build() {
            return new Options(corpus, dataFile, tokenizer, iters, batch, context, layers, heads, dim, lr, minLr, warmup, weightDecay, clipNorm,
                    attentionDropout, evalInterval, evalWindows, seed, modelDir, checkpointDir != null ? checkpointDir : modelDir,
                    checkpointEvery >= 0 ? checkpointEvery : evalInterval, resumeFrom != null ? resumeFrom : resume ? modelDir : null);
        }
    }

    /**
     * One evaluation: mean losses over the fixed training and validation windows after {@code step} steps.
     *
     * @param step           optimizer steps done
     * @param trainLoss      mean cross-entropy (nats per token) over the training windows
     * @param validationLoss the same over the validation windows
     */
    public record Evaluation(int step, double trainLoss, double validationLoss) {}

    /** What a run reports while it goes; every method does nothing unless overridden. */
    public interface Listener {
        /** A listener that ignores everything. */
        Listener NONE = new Listener() {};

        /**
         * Before the first step.
         *
         * @param plan the model, the data and the steps to come
         */
        default void onStart(Plan plan) {}

        /**
         * After each step.
         *
         * @param step            steps done
         * @param loss            this step's training loss
         * @param tokensPerSecond training tokens per second of step time in this run so far
         */
        default void onStep(int step, double loss, double tokensPerSecond) {}

        /**
         * After each evaluation, once the checkpoint or model holding it (if one is due at that step) is written.
         *
         * @param evaluation the losses
         */
        default void onEvaluation(Evaluation evaluation) {}

        /**
         * After a checkpoint is written.
         *
         * @param step steps it holds
         * @param dir  its folder, for {@code --resume}
         */
        default void onCheckpoint(int step, Path dir) {}
    }

    /**
     * What a run is about to do.
     *
     * @param config           the model's shape
     * @param tokenizer        how text becomes tokens
     * @param parameters       trainable values
     * @param trainTokens      tokens of training text
     * @param validationTokens tokens of validation text
     * @param startStep        steps already done (0 unless resuming)
     * @param iters            steps in all
     */
    public record Plan(GptConfig config, TokenizerKind tokenizer, long parameters, int trainTokens, int validationTokens, int startStep, int iters) {}

    /**
     * A finished run.
     *
     * @param history         every evaluation, those before a resume included
     * @param trainLoss       the last evaluation's training loss
     * @param validationLoss  the last evaluation's validation loss
     * @param tokensPerSecond training tokens per second of step time (evaluations and checkpoints excluded)
     * @param parameters      trainable values
     * @param wallSeconds     the whole run: reading the text, training, evaluations, checkpoints
     * @param steps           steps taken in this run
     * @param config          the model's shape
     */
    public record Result(List<Evaluation> history, double trainLoss, double validationLoss, double tokensPerSecond, long parameters,
                         double wallSeconds, int steps, GptConfig config) {}

    /** Trains as {@code o} says, writing the model folder at every evaluation; see the class comment. */
    public static Result run(Options o, Listener listener) throws IOException {
        long t0 = System.nanoTime();
        GptArtifacts.Checkpoint saved = o.resumeFrom() != null ? GptArtifacts.readCheckpoint(o.resumeFrom()) : null;
        TokenizerKind kind = saved != null ? saved.tokenizerKind() : o.tokenizer();
        String text = readText(o);
        Tokenizer tokenizer = saved != null ? saved.tokenizer() : kind == TokenizerKind.CHAR ? CharTokenizer.fit(text) : BpeTokenizer.gpt2();
        TextCorpus.Split split = TextCorpus.of(o.source(), text, tokenizer).split();
        GptConfig config = saved != null ? saved.config() : o.config(tokenizer.vocabSize());
        if (saved != null) saved.requireSameShape(o);
        requireWindow("training", split.train(), o.context());
        requireWindow("validation", split.validation(), o.context());

        try (MemoryScope scope = MemoryScope.open("gpt-training")) {
            Gpt model = new Gpt(config, o.seed()).build(o.context());
            LearningRateSchedule schedule = LearningRateSchedule.cosine(o.lr(), Math.max(1, o.iters() - o.warmup()), o.minLr() / o.lr(), o.warmup());
            Adam adamW = new Adam(o.lr(), 0.9, 0.99, 1e-8, o.weightDecay());
            adamW.withoutWeightDecay(model.decayExempt()).clipGlobalNorm(o.clipNorm()).schedule(schedule);
            List<Evaluation> history = new ArrayList<>();
            int start = 0;
            if (saved != null) {
                start = ModelIo.resumeInto(model, o.resumeFrom(), adamW);
                adamW.schedule(schedule);  // resumeInto fixes the rate it saved; the schedule goes on from the restored step
                history.addAll(saved.history());
                if (start >= o.iters()) {
                    throw new IllegalArgumentException(o.resumeFrom() + " holds a checkpoint after " + start + " steps; --iters " + o.iters()
                            + " asks for no more. Pass --iters above " + start + " to train further");
                }
            }
            listener.onStart(new Plan(config, kind, model.paramCount(), split.train().size(), split.validation().size(), start, o.iters()));
            long tokensPerStep = (long) o.batch() * o.context() * Collective.world().size();  // over every data-parallel process
            double stepSeconds = 0;
            try (Trainer trainer = new Trainer(model, adamW, Loss.byName("sparse_categorical_crossentropy", true));
                 FixedWindows trainWindows = FixedWindows.of(split.train(), o.context(), o.evalWindows());
                 FixedWindows validationWindows = FixedWindows.of(split.validation(), o.context(), o.evalWindows());
                 // Data-parallel: every process draws its own windows (rank 0 those of a single process).
                 WindowSampler sampler = new WindowSampler(split.train(), o.batch(), o.context(), o.seed() + 1 + 1_000_003L * trainer.group().rank());
                 StepArena arena = new StepArena("gpt")) {
                for (int i = 0; i < start; i++) sampler.next();  // the windows an uninterrupted run would see next
                for (int step = start; step < o.iters(); step++) {
                    long s0 = System.nanoTime();
                    WindowSampler.Batch b = sampler.next();
                    double loss;
                    try (MemoryScope s = MemoryScope.open("step", arena)) {
                        loss = trainer.trainOnBatch(b.inputs().contiguous(), b.targets().contiguous()).get("loss");
                    }
                    stepSeconds += (System.nanoTime() - s0) / 1e9;
                    int done = step + 1;
                    listener.onStep(done, loss, tokensPerStep * (done - start) / stepSeconds);
                    Evaluation e = null;
                    if (done % o.evalInterval() == 0 || done == o.iters()) {
                        e = new Evaluation(done, trainWindows.loss(trainer, o.batch()), validationWindows.loss(trainer, o.batch()));
                        history.add(e);
                    }
                    // Saved before the evaluation is reported: a listener sees only what a resumed run would keep.
                    boolean writer = trainer.group().rank() == 0;  // a distributed run saves once, from rank 0
                    if (writer && done == o.iters()) {
                        GptArtifacts.save(o.modelDir(), model, kind, tokenizer, adamW, done, history);
                    } else if (writer && o.checkpointEvery() > 0 && done % o.checkpointEvery() == 0) {
                        GptArtifacts.save(o.checkpointDir(), model, kind, tokenizer, adamW, done, history);
                        listener.onCheckpoint(done, o.checkpointDir());
                    }
                    if (e != null) listener.onEvaluation(e);
                }
            }
            Evaluation last = history.getLast();
            int steps = o.iters() - start;
            return new Result(List.copyOf(history), last.trainLoss(), last.validationLoss(), tokensPerStep * steps / stepSeconds, model.paramCount(),
                    (System.nanoTime() - t0) / 1e9, steps, config);
        }
    }

    /**
     * The mean validation loss of {@code model} on {@code text} as a run on that text measures it: the last 10 %
     * of its tokens, {@code windows} fixed windows of {@code context} tokens, in batches of {@code batch}.
     */
    public static double validationLoss(Gpt model, Tokenizer tokenizer, String text, int context, int windows, int batch) {
        Tokens validation = TextCorpus.of("text", text, tokenizer).split().validation();
        requireWindow("validation", validation, context);
        try (Predictor predictor = new Predictor(model); FixedWindows w = FixedWindows.of(validation, context, windows)) {
            return predictor.evaluate(w.inputs(), w.targets(), Loss.byName("sparse_categorical_crossentropy", true), batch).get("loss");
        }
    }

    /** The text of the data file or the named corpus; a missing file gets its own message. */
    private static String readText(Options o) throws IOException {
        if (o.dataFile() != null) {
            if (!Files.isRegularFile(o.dataFile())) throw new IOException(o.dataFile() + ": no such file");
            return TextCorpus.readUtf8(o.dataFile());
        }
        return TextCorpus.readUtf8(Corpora.locate(o.corpus().equals("poetry") ? Corpora.TANG_POEMS : Corpora.ENGLISH));
    }

    private static void requireWindow(String part, Tokens tokens, int context) {
        if (tokens.size() < context + 1) {
            throw new IllegalArgumentException("the " + part + " text has " + tokens.size() + " tokens, fewer than one window of --context " + context
                    + " + 1; use more text or a shorter context");
        }
    }

    /**
     * {@code n} windows of {@code context + 1} tokens at evenly spaced positions, as inputs and next-token
     * targets: the same windows at every evaluation, so losses compare across steps and runs.
     */
    private record FixedWindows(Tensor inputs, Tensor targets) implements AutoCloseable {
        static FixedWindows of(Tokens tokens, int context, int n) {
            int[] x = new int[n * context], y = new int[n * context];  // (n, context) each
            int[] window = new int[context + 1];
            int last = tokens.size() - context - 1;
            for (int i = 0; i < n; i++) {
                int pos = n == 1 ? 0 : (int) ((long) last * i / (n - 1));
                tokens.copyTo(pos, window, 0, context + 1);
                System.arraycopy(window, 0, x, i * context, context);
                System.arraycopy(window, 1, y, i * context, context);
            }
            return new FixedWindows(Tensor.of(x, n, context), Tensor.of(y, n, context));
        }

        double loss(Trainer trainer, int batch) {
            return trainer.evaluate(inputs, targets, batch).get("loss");
        }

        @Override
        public void close() {
            inputs.close();
            targets.close();
        }
    }
}
