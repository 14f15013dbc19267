package dev.panamax.cli;

import dev.panamax.data.Augmentation;
import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Models;
import dev.panamax.nn.Preprocessing;
import dev.panamax.nn.dist.Collective;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.History;
import dev.panamax.nn.train.Trainer;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code panamax train mnist}: the Keras tutorial's CNN, trained and evaluated on real MNIST; {@code train gpt} is {@link TrainGptCommand}. */
@Command(name = "train", description = {"Train the Keras tutorial's MNIST CNN and evaluate it on the test set (train mnist),",
        "or a small GPT on a text corpus (train gpt; ./panamax train gpt --help).",
        "Tasks: mnist, gpt. The run's files appear in --out all at once when it ends; --checkpoint-every and --resume survive a kill."},
        subcommands = TrainGptCommand.class)
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", description = "What to train: mnist (gpt is the subcommand above)")
    String what;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--epochs", defaultValue = "5", converter = Ranges.Positive.class, description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", converter = Ranges.Positive.class, description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", description = "GEMM implementation: java, openblas or auto (default: auto).")
    String backend;

    @Option(names = "--threads", converter = Ranges.Positive.class, description = "Kernel threads, 1 or more (default: all cores).")
    Integer threads;

    @Option(names = "--data", description = "Folder with the MNIST IDX files (raw or .gz); default: fetched into the cache.")
    Path data;

    @Option(names = "--out", defaultValue = "out/mnist", description = "The run's folder: history.csv, metrics.json, training.png and the model (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--overwrite", description = "Replace the run already in --out when this one finishes (without it, a non-empty --out is refused).")
    boolean overwrite;

    @Option(names = "--checkpoint-every", defaultValue = "1", converter = Ranges.NonNegative.class,
            description = "Epochs between checkpoints in OUT.checkpoint, deleted when the run finishes; 0: none (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue a killed run from its checkpoint folder (OUT.checkpoint), with the same options.")
    Path resume;

    @Option(names = "--limit", defaultValue = "0", converter = Ranges.NonNegative.class, description = "Train on the first N examples only (0: all).")
    int limit;

    @Option(names = "--augment", description = "Random augmentation of training images: shift up to 2 pixels, rotate up to 10 degrees.")
    boolean augment;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    /** How the learning rate moves over the run; picocli refuses other names, listing these. */
    enum LrSchedule { cosine, constant }

    @Option(names = "--lr-schedule", defaultValue = "cosine",
            description = "cosine: decay from --lr to 0 over all the steps; constant: the tutorial's fixed rate (${COMPLETION-CANDIDATES}; default: ${DEFAULT-VALUE}).")
    LrSchedule lrSchedule;

    @Override
    public Integer call() throws Exception {
        if (what == null) {
            // Training is long and replaces files: it starts only when asked for by name.
            System.err.println("panamax train: name what to train: mnist, or gpt (./panamax train gpt --help)");
            spec.commandLine().usage(System.err);
            return 2;
        }
        if (!what.equals("mnist")) {
            System.err.println("panamax train: unknown task '" + what + "'; available: mnist, gpt");
            return 2;
        }
        if (!(learningRate > 0)) {
            System.err.println("panamax train: --lr must be positive, got " + learningRate);
            return 2;
        }
        // Both are read once when the kernels load, so they must be set before any tensor exists.
        if (backend != null) System.setProperty("panamax.gemm", backend);
        if (threads != null) System.setProperty("panamax.threads", Integer.toString(threads));
        MnistCheckpoint.Settings settings = new MnistCheckpoint.Settings(epochs, batchSize, seed, limit, augment, learningRate, lrSchedule.name());
        MnistCheckpoint.Saved saved = resume == null ? null : MnistCheckpoint.read(resume, settings);
        // A distributed run writes its outputs and checkpoints once, from rank 0; the other ranks only train.
        RunFolder run = Collective.world().rank() == 0 ? RunFolder.prepare(out, overwrite) : null;
        Path target = out.toAbsolutePath().normalize();
        Path checkpoints = checkpointEvery > 0 ? target.resolveSibling(target.getFileName() + ".checkpoint") : null;
        System.out.println("Output: " + target + " (written whole when training ends)");
        if (checkpoints != null) {
            System.out.println("Checkpoints every " + checkpointEvery + " epoch(s) in " + checkpoints + " (after a kill: --resume " + checkpoints + ")");
        }
        try {
            train(run, settings, saved, checkpoints);
        } catch (Exception | Error e) {
            if (run != null) run.discard();
            throw e;
        }
        if (run == null) return 0;
        if (checkpoints != null) dev.panamax.nn.io.AtomicFiles.deleteTree(checkpoints);
        System.out.println("Wrote " + out.resolve("history.csv") + ", " + out.resolve("metrics.json") + ", "
                + out.resolve("training.png") + " and the model in " + out.resolve("model")
                + " (./panamax evaluate " + out.resolve("model") + ")");
        return 0;
    }

    private void train(RunFolder run, MnistCheckpoint.Settings settings, MnistCheckpoint.Saved saved, Path checkpoints) throws Exception {
        Path dir = Mnist.locate(data);
        try (MemoryScope scope = MemoryScope.open("train-mnist");
             Dataset train = Dataset.readIdxPixels(Mnist.file(dir, "train-images-idx3-ubyte"), Mnist.file(dir, "train-labels-idx1-ubyte"), limit);
             Dataset test = Dataset.readIdxPixels(Mnist.file(dir, "t10k-images-idx3-ubyte"), Mnist.file(dir, "t10k-labels-idx1-ubyte"), 0)) {
            // MNIST has ten digits: a label outside 0..9 is a corrupt file, not a reason to grow the output layer.
            train.requireLabelsBelow(Mnist.CLASSES, Mnist.file(dir, "train-labels-idx1-ubyte"));
            test.requireLabelsBelow(Mnist.CLASSES, Mnist.file(dir, "t10k-labels-idx1-ubyte"));
            Adam adam = optimizer(train.size());
            Sequential model;
            History history = new History();
            int initialEpoch = 0;
            if (saved != null) {
                ModelIo.Checkpoint cp = ModelIo.resume(saved.dir(), adam);
                model = cp.model();
                // The pixels stay bytes; a checkpoint saved before the model carried its preprocessing trained on pixels / 255 too.
                if (model.preprocessing().equals(Preprocessing.NONE)) model.preprocessing(Preprocessing.pixels());
                initialEpoch = cp.epoch();
                if (lrSchedule == LrSchedule.cosine) adam.schedule(scheduleFor(train.size()));  // resume fixes the saved rate; the schedule goes on
                history = saved.history();
                System.out.println("Resuming from " + saved.dir() + " after epoch " + initialEpoch);
            } else {
                model = Models.tutorialCnn(seed, Mnist.CLASSES);
                model.build(train.images().shape()[1], train.images().shape()[2], 1);
            }
            System.out.print(model.summary());
            Trainer trainer = new Trainer(model, adam, Loss.byName("sparse_categorical_crossentropy", false));
            FitOptions.Builder options = FitOptions.builder().epochs(epochs).initialEpoch(initialEpoch).batchSize(batchSize)
                    .validationData(test.images(), test.labels())
                    .augmentation(augment ? new Augmentation(2, 10, 0) : Augmentation.NONE)
                    .callbacks(new Progress(System.out));
            if (checkpoints != null) options.callbacks(new MnistCheckpoint(checkpoints, checkpointEvery, settings, history.copy(), System.out));
            System.out.printf(Locale.ROOT, "Training on %,d images, validating on the %,d test images after each epoch%n",
                    train.size(), test.size());
            long t0 = System.nanoTime();
            History fresh = trainer.fit(train.images(), train.labels(), options.build());
            history.recordAll(fresh);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> result = trainer.evaluate(test.images(), test.labels(), 500);
            double samplesPerSecond = train.size() * (double) (epochs - initialEpoch) / seconds;
            System.out.printf(Locale.ROOT, "Test accuracy %.4f, test loss %.4f; trained in %.1f s (%,.0f samples/s)%n",
                    result.get("accuracy"), result.get("loss"), seconds, samplesPerSecond);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("test_accuracy", result.get("accuracy"));
            metrics.put("test_loss", result.get("loss"));
            metrics.put("epochs", epochs);
            metrics.put("batch_size", batchSize);
            metrics.put("seed", seed);
            metrics.put("train_examples", train.size());
            metrics.put("learning_rate", learningRate);
            metrics.put("lr_schedule", lrSchedule.name());
            metrics.put("resumed_after_epoch", initialEpoch);
            metrics.put("wall_seconds", seconds);
            metrics.put("samples_per_second", samplesPerSecond);
            metrics.put("parameters", model.paramCount());
            metrics.put("ranks", trainer.group().size());
            if (run != null) {
                Path staging = run.staging();
                ModelIo.save(model, staging.resolve("model"));
                // Ties the report to the weights it describes: a reader can check that both come from one run.
                metrics.put("model_sha256", Reports.sha256(staging.resolve("model").resolve(ModelIo.WEIGHTS)));
                Reports.write(staging, history, metrics);
                run.publish();
            }
            trainer.close();
            model.close();
        }
    }

    private Adam optimizer(long trainExamples) {
        return switch (lrSchedule) {
            case constant -> new Adam(learningRate);
            case cosine -> Models.tutorialAdam(learningRate, steps(trainExamples));
        };
    }

    /** The optimizer steps of one rank: each of N data-parallel ranks takes a step per N batches. */
    private long steps(long trainExamples) {
        long perRank = (trainExamples + Collective.world().size() - 1) / Collective.world().size();
        return (long) epochs * ((perRank + batchSize - 1) / batchSize);
    }

    private dev.panamax.nn.optim.LearningRateSchedule scheduleFor(long trainExamples) {
        return dev.panamax.nn.optim.LearningRateSchedule.cosine(learningRate, steps(trainExamples), 0, 0);
    }
}
