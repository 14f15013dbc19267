package dev.panamax.cli;

import dev.panamax.apps.gpt.GptTraining;
import dev.panamax.nn.dist.Collective;
import dev.panamax.apps.gpt.GptTraining.Evaluation;
import dev.panamax.apps.gpt.GptTraining.Plan;
import dev.panamax.apps.gpt.GptTraining.Result;
import dev.panamax.nn.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax train gpt}: a small GPT on a text corpus, nanoGPT's Shakespeare-char recipe (dev.panamax.apps.gpt). */
@Command(name = "gpt", description = "Train a small GPT language model on a text corpus (nanoGPT's char-level CPU setup).")
final class TrainGptCommand implements Callable<Integer> {
    @Option(names = "--corpus", description = "english (the Brown corpus) or poetry (the Tang poems); default: english.")
    String corpus;

    @Option(names = "--data", description = "A UTF-8 text file to train on instead of a corpus.")
    Path data;

    @Option(names = "--out", defaultValue = "out/gpt", description = "The run's folder: metrics.json, loss.png and the model (DIR/model), written whole at the end; default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--overwrite", description = "Replace the run already in --out when this one finishes (without it, a non-empty --out is refused).")
    boolean overwrite;

    @Option(names = "--checkpoint-every", defaultValue = "250", converter = Ranges.NonNegative.class,
            description = "Steps between checkpoints in OUT.checkpoint, deleted when the run finishes; 0: none (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--tokenizer", defaultValue = "char", description = "char (one token per character) or gpt2 (GPT-2's BPE); default: ${DEFAULT-VALUE}.")
    String tokenizer;

    @Option(names = "--iters", defaultValue = "2000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights and the training windows (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "12", description = "Windows per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--context", defaultValue = "64", description = "Tokens per window, the model's context (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--layers", defaultValue = "4", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads per block; must divide --dim (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--dim", defaultValue = "128", description = "Embedding width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate: 100 warm-up steps, then cosine decay to 1e-4 (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--attention-dropout", defaultValue = "0", description = "Dropout on the attention probabilities while training, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double attentionDropout;

    @Option(names = "--eval-interval", defaultValue = "250", description = "Steps between evaluations and checkpoints (default: ${DEFAULT-VALUE}).")
    int evalInterval;

    @Option(names = "--eval-windows", defaultValue = "200", description = "Fixed windows per evaluation, of training and of validation text (default: ${DEFAULT-VALUE}).")
    int evalWindows;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue up to --iters steps from a checkpoint (OUT.checkpoint) or a finished run's model (OUT/model): its tokenizer and shape.")
    Path resume;

    @Override
    public Integer call() {
        if (corpus != null && data != null) {
            System.err.println("panamax train gpt: give --corpus or --data, not both");
            return 2;
        }
        GptTraining.Options options;
        try {
            // Checked before the output folder is touched; built again below with the staging folder.
            options = options(out.resolve("model"), out.resolve("model"));
        } catch (IllegalArgumentException e) {
            System.err.println("panamax train gpt: " + e.getMessage());
            return 2;
        }
        RunFolder run = null;
        try {
            // A distributed run writes its outputs and checkpoints once, from rank 0; the other ranks only train.
            if (Collective.world().rank() == 0) run = RunFolder.prepare(out, overwrite);
            Path target = out.toAbsolutePath().normalize();
            Path checkpoints = target.resolveSibling(target.getFileName() + ".checkpoint");
            // Everything goes to the staging folder; the checkpoints beside the run, where a kill leaves them.
            options = options(run != null ? run.staging().resolve("model") : target.resolve("model"), checkpoints);
            // Said once the text and any checkpoint are read, so bad input gets its one line alone.
            List<String> where = new java.util.ArrayList<>(List.of("Output: " + target + " (written whole when training ends)"));
            if (checkpointEvery > 0) where.add("Checkpoints every " + checkpointEvery + " steps in " + checkpoints + " (after a kill: --resume " + checkpoints + ")");
            Listener listener = new Listener(System.out, where);
            Result r;
            try {
                r = GptTraining.run(options, listener);
            } finally {
                listener.close();
            }
            System.out.printf(Locale.ROOT, "Final: train loss %.4f, val loss %.4f; %,.0f tokens/s; %d steps in %.1f s; %,d parameters%n",
                    r.trainLoss(), r.validationLoss(), r.tokensPerSecond(), r.steps(), r.wallSeconds(), r.parameters());
            if (run != null) {
                writeReports(run.staging(), options, r);
                run.publish();
                AtomicFiles.deleteTree(checkpoints);  // the published model holds the same state, resumable with --resume OUT/model
            }
            System.out.println("Wrote " + out.resolve("metrics.json") + ", " + out.resolve("loss.png") + " and the model in " + out.resolve("model"));
            return 0;
        } catch (IOException | IllegalArgumentException | IllegalStateException | ArithmeticException | java.io.UncheckedIOException e) {
            // Bad input (a missing, empty or non-UTF-8 file, a checkpoint that does not fit) is the user's to fix: say what, not where.
            if (run != null) run.discard();
            System.err.println("panamax train gpt: " + Main.message(e));
            return 1;
        }
    }

    private GptTraining.Options options(Path modelDir, Path checkpointDir) {
        return GptTraining.Options.builder().corpus(corpus == null ? "english" : corpus).dataFile(data).tokenizer(GptTraining.TokenizerKind.of(tokenizer)).iters(iters)
                .batch(batchSize).context(context).layers(layers).heads(heads).dim(dim).lr(lr).minLr(Math.min(lr, 1e-4))
                .attentionDropout(attentionDropout).evalInterval(evalInterval).evalWindows(evalWindows).seed(seed)
                .modelDir(modelDir).checkpointDir(checkpointDir).checkpointEvery(checkpointEvery).resumeFrom(resume).build();
    }

    private void writeReports(Path dir, GptTraining.Options o, Result r) throws IOException {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("val_loss", r.validationLoss());
        metrics.put("train_loss", r.trainLoss());
        metrics.put("tokens_per_second", r.tokensPerSecond());
        metrics.put("parameters", r.parameters());
        metrics.put("wall_seconds", r.wallSeconds());
        metrics.put("steps_this_run", r.steps());
        metrics.put("ranks", Collective.world().size());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("data", o.source());
        config.put("tokenizer", tokenizer);
        config.put("vocab", r.config().vocab());
        config.put("context", r.config().context());
        config.put("layers", r.config().layers());
        config.put("heads", r.config().heads());
        config.put("dim", r.config().dim());
        config.put("iters", o.iters());
        config.put("batch_size", o.batch());
        config.put("lr", o.lr());
        config.put("min_lr", o.minLr());
        config.put("warmup", o.warmup());
        config.put("betas", List.of(0.9, 0.99));
        config.put("weight_decay", o.weightDecay());
        config.put("clip_norm", o.clipNorm());
        config.put("attention_dropout", o.attentionDropout());
        config.put("eval_interval", o.evalInterval());
        config.put("eval_windows", o.evalWindows());
        config.put("seed", o.seed());
        config.put("resumed_from", o.resumeFrom() == null ? null : o.resumeFrom().toString());
        metrics.put("config", config);
        List<Map<String, Object>> history = r.history().stream().map(e -> Map.<String, Object>of("step", e.step(), "train_loss", e.trainLoss(),
                "val_loss", e.validationLoss())).toList();
        metrics.put("history", history);
        AtomicFiles.write(dir.resolve("metrics.json"), Reports.json(metrics));
        XYChart chart = new XYChartBuilder().width(900).height(500).title("GPT on " + o.source()).xAxisTitle("step").yAxisTitle("loss (nats/token)").build();
        double[] steps = r.history().stream().mapToDouble(Evaluation::step).toArray();
        chart.addSeries("train", steps, r.history().stream().mapToDouble(Evaluation::trainLoss).toArray());
        chart.addSeries("validation", steps, r.history().stream().mapToDouble(Evaluation::validationLoss).toArray());
        System.setProperty("java.awt.headless", "true");
        Reports.save(dir.resolve("loss.png"), chart);
    }

    /**
     * On a terminal, a bar over the steps with ETA, tokens/s and the running loss; elsewhere (logs, pipes) a line
     * every twentieth of the run. Evaluations always get a line.
     */
    private static final class Listener implements GptTraining.Listener, AutoCloseable {
        private final PrintStream out;
        private final boolean terminal = System.console() != null && System.console().isTerminal();
        private ProgressBar bar;
        private int iters, every, start;
        private double smoothed = Double.NaN;
        private long t0;

        private final List<String> where;

        Listener(PrintStream out, List<String> where) {
            this.out = out;
            this.where = where;
        }

        @Override
        public void onStart(Plan p) {
            iters = p.iters();
            start = p.startStep();
            every = Math.max(1, (iters - start) / 20);
            t0 = System.nanoTime();
            where.forEach(out::println);
            out.printf(Locale.ROOT, "GPT: %d layers, %d heads, dim %d, context %d, vocab %,d (%s tokenizer): %,d parameters%n", p.config().layers(),
                    p.config().heads(), p.config().dim(), p.config().context(), p.config().vocab(), p.tokenizer().id(), p.parameters());
            out.printf(Locale.ROOT, "Training on %,d tokens, validating on %,d; steps %d to %d%n", p.trainTokens(), p.validationTokens(), start + 1, iters);
            if (terminal) {
                bar = new ProgressBarBuilder().setTaskName("Training").setInitialMax(iters).startsFrom(start, java.time.Duration.ZERO)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).setUnit(" steps", 1).build();
            }
        }

        @Override
        public void onStep(int step, double loss, double tokensPerSecond) {
            smoothed = Double.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
            if (bar != null) {
                bar.stepTo(step);
                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f %,.0f tokens/s", smoothed, tokensPerSecond));
            } else if ((step - start) % every == 0) {
                double elapsed = (System.nanoTime() - t0) / 1e9, eta = elapsed / (step - start) * (iters - step);
                out.printf(Locale.ROOT, "step %d/%d: loss %.4f, %,.0f tokens/s, ETA %s%n", step, iters, smoothed, tokensPerSecond, duration(eta));
            }
        }

        @Override
        public void onCheckpoint(int step, Path dir) {
            String line = "Checkpoint after step " + step + " in " + dir;
            out.println(bar != null ? "\r" + line + " ".repeat(40) : line);
        }

        @Override
        public void onEvaluation(Evaluation e) {
            String line = String.format(Locale.ROOT, "step %d: train loss %.4f, val loss %.4f", e.step(), e.trainLoss(), e.validationLoss());
            // Over the bar's line on a terminal; the bar redraws itself below at its next update.
            out.println(bar != null ? "\r" + line + " ".repeat(40) : line);
        }

        private static String duration(double seconds) {
            long s = Math.round(seconds);
            return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
        }

        @Override
        public void close() {
            if (bar != null) bar.close();
            bar = null;
        }
    }
}
