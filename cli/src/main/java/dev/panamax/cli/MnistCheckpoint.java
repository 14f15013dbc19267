package dev.panamax.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.nn.io.AtomicFiles;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.train.History;
import dev.panamax.nn.train.Trainer;
import dev.panamax.nn.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint of {@code panamax train mnist}: every {@code every} epochs, the model, the optimizer's state and
 * step, the history so far and the run's settings go to a folder, replaced whole ({@link AtomicFiles#replaceFolder}),
 * so a kill at any moment leaves the previous checkpoint or the new one. {@code --resume DIR} continues from it
 * and ends with the same weights as a run never interrupted.
 */
final class MnistCheckpoint implements TrainingListener {
    static final String SETTINGS = "run.json", HISTORY = "history.csv";

    /** The options a resumed run must share with the run it continues (the rest, like --threads, may change). */
    record Settings(int epochs, int batchSize, long seed, int limit, boolean augment, double learningRate, String lrSchedule) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("--epochs", epochs);
            m.put("--batch-size", batchSize);
            m.put("--seed", seed);
            m.put("--limit", limit);
            m.put("--augment", augment);
            m.put("--lr", learningRate);
            m.put("--lr-schedule", lrSchedule);
            return m;
        }
    }

    /** A checkpoint read for resuming: its folder and the history of the epochs it holds. */
    record Saved(Path dir, History history) {}

    private final Path dir;
    private final int every;
    private final Settings settings;
    private final History history;
    private final PrintStream log;
    private Trainer trainer;

    MnistCheckpoint(Path dir, int every, Settings settings, History history, PrintStream log) {
        this.dir = dir;
        this.every = every;
        this.settings = settings;
        this.history = history;
        this.log = log;
    }

    @Override
    public void onTrainBegin(Trainer t) {
        trainer = t;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        history.record(new LinkedHashMap<>(logs));
        if ((epoch + 1) % every != 0 || epoch + 1 == settings.epochs()) return;  // the last epoch's state is the run itself
        try {
            ModelIo.saveCheckpoint(trainer.model(), trainer.optimizer(), dir, epoch + 1, tmp -> {
                history.writeCsv(tmp.resolve(HISTORY));
                AtomicFiles.write(tmp.resolve(SETTINGS), Reports.json(settings.asMap()));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint to " + dir + " failed: " + e.getMessage(), e);
        }
        log.println("Checkpoint after epoch " + (epoch + 1) + " in " + dir);
    }

    /** Reads the checkpoint in {@code dir}, refusing one whose run had other {@code settings}. */
    static Saved read(Path dir, Settings settings) throws IOException {
        AtomicFiles.recover(dir);
        Path file = dir.resolve(SETTINGS);
        if (!Files.isRegularFile(file)) {
            throw new IOException("--resume " + dir + ": not a checkpoint of panamax train mnist (no " + SETTINGS + "; --checkpoint-every writes OUT.checkpoint)");
        }
        Map<?, ?> was = new ObjectMapper().readValue(file.toFile(), Map.class);
        for (var e : settings.asMap().entrySet()) {
            Object saved = was.get(e.getKey());
            if (saved == null || !String.valueOf(saved).equals(String.valueOf(e.getValue()))) {
                throw new IOException("--resume " + dir + ": the checkpoint's run had " + e.getKey() + " " + saved + ", this one " + e.getValue()
                        + "; resume with the same options");
            }
        }
        return new Saved(dir, History.readCsv(dir.resolve(HISTORY)));
    }
}
