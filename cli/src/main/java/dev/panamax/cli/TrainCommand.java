package dev.panamax.cli;

import dev.panamax.data.Augmentation;
import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Models;
import dev.panamax.nn.dist.Collective;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.History;
import dev.panamax.nn.train.Trainer;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code panamax train mnist}: the Keras tutorial's CNN, trained and evaluated on real MNIST; {@code train gpt} is {@link TrainGptCommand}. */
@Command(name = "train", description = {"Train the Keras tutorial's MNIST CNN and evaluate it on the test set (train mnist),",
        "or a small GPT on a text corpus (train gpt; ./panamax train gpt --help)."}, subcommands = TrainGptCommand.class)
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "What to train: mnist (gpt is the subcommand above)", defaultValue = "mnist")
    String what;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", description = "GEMM implementation: java, openblas or auto (default: auto).")
    String backend;

    @Option(names = "--threads", description = "Kernel threads (default: all cores).")
    Integer threads;

    @Option(names = "--data", description = "Folder with the MNIST IDX files (raw or .gz); default: fetched into the cache.")
    Path data;

    @Option(names = "--out", defaultValue = "out/mnist", description = "Where to write history.csv, metrics.json and the plot (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N examples only (0: all).")
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
        Path dir = Mnist.locate(data);
        try (MemoryScope scope = MemoryScope.open("train-mnist");
             Dataset train = Dataset.readIdx(Mnist.file(dir, "train-images-idx3-ubyte"), Mnist.file(dir, "train-labels-idx1-ubyte"), limit);
             Dataset test = Dataset.readIdx(Mnist.file(dir, "t10k-images-idx3-ubyte"), Mnist.file(dir, "t10k-labels-idx1-ubyte"), 0)) {
            int classes = Math.max(train.classes(), test.classes());
            Sequential model = Models.tutorialCnn(seed, classes);
            model.build(train.images().shape()[1], train.images().shape()[2], 1);
            System.out.print(model.summary());
            Trainer trainer = new Trainer(model, optimizer(train.size()), Loss.byName("sparse_categorical_crossentropy", false));
            FitOptions options = FitOptions.builder().epochs(epochs).batchSize(batchSize)
                    .validationData(test.images(), test.labels())
                    .augmentation(augment ? new Augmentation(2, 10, 0) : Augmentation.NONE)
                    .callbacks(new Progress(System.out)).build();
            System.out.printf(Locale.ROOT, "Training on %,d images, validating on the %,d test images after each epoch%n",
                    train.size(), test.size());
            long t0 = System.nanoTime();
            History history = trainer.fit(train.images(), train.labels(), options);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> result = trainer.evaluate(test.images(), test.labels(), 500);
            double samplesPerSecond = train.size() * (double) epochs / seconds;
            System.out.printf(Locale.ROOT, "Test accuracy %.4f, test loss %.4f; trained in %.1f s (%,.0f samples/s)%n",
                    result.get("accuracy"), result.get("loss"), seconds, samplesPerSecond);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("test_accuracy", result.get("accuracy"));
            metrics.put("test_loss", result.get("loss"));
            metrics.put("epochs", epochs);
            metrics.put("batch_size", batchSize);
            metrics.put("train_examples", train.size());
            metrics.put("learning_rate", learningRate);
            metrics.put("lr_schedule", lrSchedule.name());
            metrics.put("wall_seconds", seconds);
            metrics.put("samples_per_second", samplesPerSecond);
            metrics.put("parameters", model.paramCount());
            metrics.put("ranks", trainer.group().size());
            if (trainer.group().rank() == 0) {  // a distributed run writes its outputs once
                Reports.write(out, history, metrics);
                ModelIo.save(model, out.resolve("model"));
            }
            System.out.println("Wrote " + out.resolve("history.csv") + ", " + out.resolve("metrics.json") + ", "
                    + out.resolve("training.png") + " and the model in " + out.resolve("model")
                    + " (./panamax evaluate " + out.resolve("model") + ")");
            trainer.close();
            model.close();
        }
        return 0;
    }

    private Adam optimizer(long trainExamples) {
        // Each of N data-parallel ranks takes a step per N batches: the schedule counts the steps one rank takes.
        long perRank = (trainExamples + Collective.world().size() - 1) / Collective.world().size();
        long steps = (long) epochs * ((perRank + batchSize - 1) / batchSize);
        return switch (lrSchedule) {
            case constant -> new Adam(learningRate);
            case cosine -> Models.tutorialAdam(learningRate, steps);
        };
    }
}
