package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.AtomicFiles;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code panamax train mnist} killed with SIGKILL at every point that matters: mid-epoch, during each file write
 * of the run (slowed by the test hook of {@link AtomicFiles}), between the two renames that publish it. After
 * each kill the output folder holds one complete, loadable, self-consistent run: the earlier one or the new one
 * (or, killed between the renames, none, with the earlier one beside it where the next run puts it back).
 * Then a real kill after a checkpoint, or while one is written (mnist and gpt), and {@code --resume} end with the
 * same bytes as a run never interrupted.
 */
class TrainKillTest {
    private static final String[] TINY = {"--batch-size", "16"};

    private static String[] train(Path data, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "mnist", "--data", data.toString(), "--out", out.toString()));
        a.addAll(List.of(TINY));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aKilledRunLeavesTheEarlierRunOrTheNewOneWhole(@TempDir Path dir) throws Exception {
        Path data = TinyMnist.write(dir.resolve("mnist"), 48, 20), out = dir.resolve("runs").resolve("mnist");
        TrainProcess.finish(TrainProcess.start(List.of(), train(data, out, "--epochs", "2", "--seed", "1")));
        assertComplete(out, 1);
        // The writes of one run, in order, as the hook announces them; then the swap of the two folders.
        List<String> points = new ArrayList<>(List.of("Epoch 1/2"));  // mid-run: epoch 1 is done, epoch 2 training
        for (String f : List.of("model.safetensors", "config.json", "history.csv", "metrics.json", "training.png")) points.add("panamax-test: writing " + f);
        points.add("panamax-test: swapping mnist");
        for (String point : points) {
            Process p = TrainProcess.start(List.of("-Dpanamax.test.writeDelayMs=150"),
                    train(data, out, "--epochs", "2", "--seed", "2", "--overwrite", "--checkpoint-every", "0"));
            String said = TrainProcess.killWhen(p, line -> line.startsWith(point));
            if (Files.exists(out)) {
                assertComplete(out, 1);  // every kill comes before the new run is published
            } else {
                assertTrue(point.contains("swapping"), "no run in " + out + " after a kill at '" + point + "':\n" + said);
                assertComplete(AtomicFiles.previous(out), 1);
            }
        }
        // The next run puts back what the last kill moved aside, deletes the staging folders, and publishes itself.
        TrainProcess.finish(TrainProcess.start(List.of(), train(data, out, "--epochs", "2", "--seed", "2", "--overwrite")));
        assertComplete(out, 2);
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of("mnist"), left.map(p -> p.getFileName().toString()).toList(), "stale staging or checkpoint folders left");
        }
    }

    @Test
    void aRunKilledAfterACheckpointResumesToTheSameBytes(@TempDir Path dir) throws Exception {
        Path data = TinyMnist.write(dir.resolve("mnist"), 48, 20), straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        String[] three = {"--epochs", "3"};
        TrainProcess.finish(TrainProcess.start(List.of(), train(data, straight, three)));
        Path checkpoint = dir.resolve("resumed.checkpoint");
        TrainProcess.killWhen(TrainProcess.start(List.of(), train(data, resumed, three)), line -> line.startsWith("Checkpoint after epoch 2"));
        assertFalse(Files.exists(resumed), "a killed run published nothing");
        String said = TrainProcess.finish(TrainProcess.start(List.of(), train(data, resumed, "--epochs", "3", "--resume", checkpoint.toString())));
        assertTrue(said.contains("Resuming from " + checkpoint + " after epoch 2"), said);
        assertArrayEquals(Files.readAllBytes(straight.resolve("model").resolve(ModelIo.WEIGHTS)), Files.readAllBytes(resumed.resolve("model").resolve(ModelIo.WEIGHTS)),
                "the resumed run's weights differ from the uninterrupted run's");
        assertEquals(Files.readString(straight.resolve("history.csv")), Files.readString(resumed.resolve("history.csv")));
        assertFalse(Files.exists(checkpoint), "the checkpoint is deleted once the run is published");
    }

    @Test
    void aRunKilledWhileWritingACheckpointResumesFromThePreviousOne(@TempDir Path dir) throws Exception {
        Path data = TinyMnist.write(dir.resolve("mnist"), 48, 20), straight = dir.resolve("straight");
        TrainProcess.finish(TrainProcess.start(List.of(), train(data, straight, "--epochs", "3")));
        byte[] want = Files.readAllBytes(straight.resolve("model").resolve(ModelIo.WEIGHTS));
        // The second checkpoint (after epoch 2): killed during its optimizer file (the run's second), and between its
        // two renames (the first swap: the first checkpoint had nothing to swap with).
        for (String point : List.of("2 panamax-test: writing optimizer.safetensors", "1 panamax-test: swapping resumed.checkpoint")) {
            int occurrence = point.charAt(0) - '0';
            String line0 = point.substring(2);
            Path resumed = dir.resolve("resumed"), checkpoint = dir.resolve("resumed.checkpoint");
            int[] seen = {0};
            TrainProcess.killWhen(TrainProcess.start(List.of("-Dpanamax.test.writeDelayMs=150"), train(data, resumed, "--epochs", "3")),
                    line -> line.startsWith(line0) && ++seen[0] == occurrence);
            String said = TrainProcess.finish(TrainProcess.start(List.of(), train(data, resumed, "--epochs", "3", "--resume", checkpoint.toString())));
            assertTrue(said.contains("after epoch 1"), point + ":\n" + said);
            assertArrayEquals(want, Files.readAllBytes(resumed.resolve("model").resolve(ModelIo.WEIGHTS)), "killed at '" + point + "'");
            AtomicFiles.deleteTree(resumed);
        }
    }

    @Test
    void aGptRunKilledAfterACheckpointResumesToTheSameBytes(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("pride.txt"), TrainGptCommandTest.TEXT);
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed"), checkpoint = dir.resolve("resumed.checkpoint");
        String[] every = {"--checkpoint-every", "2"};
        TrainProcess.finish(TrainProcess.start(List.of(), TrainGptCommandTest.args(straight, text, every)));
        TrainProcess.killWhen(TrainProcess.start(List.of(), TrainGptCommandTest.args(resumed, text, every)), line -> line.startsWith("Checkpoint after step 4"));
        assertFalse(Files.exists(resumed), "a killed run published nothing");
        String said = TrainProcess.finish(TrainProcess.start(List.of(), TrainGptCommandTest.args(resumed, text, "--checkpoint-every", "2", "--resume", checkpoint.toString())));
        assertTrue(said.contains("steps 5 to 6"), said);
        for (String f : List.of(ModelIo.WEIGHTS, ModelIo.OPTIMIZER)) {
            assertArrayEquals(Files.readAllBytes(straight.resolve("model").resolve(f)), Files.readAllBytes(resumed.resolve("model").resolve(f)), f + " differs");
        }
        assertEquals(new ObjectMapper().readTree(straight.resolve("metrics.json").toFile()).get("history"),
                new ObjectMapper().readTree(resumed.resolve("metrics.json").toFile()).get("history"));
        assertFalse(Files.exists(checkpoint), "the checkpoint is deleted once the run is published");
    }

    @Test
    void aGptRunKilledWhileWritingACheckpointResumesToTheSameBytes(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("pride.txt"), TrainGptCommandTest.TEXT), straight = dir.resolve("straight");
        String[] every = {"--checkpoint-every", "2"};
        TrainProcess.finish(TrainProcess.start(List.of(), TrainGptCommandTest.args(straight, text, every)));
        // The checkpoint after step 4 (the run's second): killed during each of its files and between its two renames
        // (the first swap: the checkpoint after step 2 had nothing to swap with). What is left must resume from step 2.
        List<String> points = new ArrayList<>();
        for (String f : List.of(ModelIo.WEIGHTS, ModelIo.OPTIMIZER, "checkpoint.json", "config.json")) points.add("2 panamax-test: writing " + f);
        points.add("1 panamax-test: swapping resumed.checkpoint");
        for (String point : points) {
            int occurrence = point.charAt(0) - '0';
            String line0 = point.substring(2);
            Path resumed = dir.resolve("resumed"), checkpoint = dir.resolve("resumed.checkpoint");
            int[] seen = {0};
            TrainProcess.killWhen(TrainProcess.start(List.of("-Dpanamax.test.writeDelayMs=150"), TrainGptCommandTest.args(resumed, text, every)),
                    line -> line.startsWith(line0) && ++seen[0] == occurrence);
            assertFalse(Files.exists(resumed), "a killed run published nothing");
            String said = TrainProcess.finish(TrainProcess.start(List.of(), TrainGptCommandTest.args(resumed, text, "--checkpoint-every", "2", "--resume", checkpoint.toString())));
            assertTrue(said.contains("steps 3 to 6"), point + ":\n" + said);
            for (String f : List.of(ModelIo.WEIGHTS, ModelIo.OPTIMIZER)) {
                assertArrayEquals(Files.readAllBytes(straight.resolve("model").resolve(f)), Files.readAllBytes(resumed.resolve("model").resolve(f)),
                        f + " differs after a kill at '" + point + "'");
            }
            assertEquals(new ObjectMapper().readTree(straight.resolve("metrics.json").toFile()).get("history"),
                    new ObjectMapper().readTree(resumed.resolve("metrics.json").toFile()).get("history"), "killed at '" + point + "'");
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of("pride.txt", "resumed", "straight"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                        "stale staging or checkpoint folders after a kill at '" + point + "'");
            }
            AtomicFiles.deleteTree(resumed);
        }
    }

    /** {@code run} holds every file of one run of {@code seed}, the model loads, and the report names its weights. */
    static void assertComplete(Path run, long seed) throws Exception {
        JsonNode m = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertEquals(seed, m.get("seed").asLong(), "the run in " + run);
        assertEquals(m.get("model_sha256").asText(), Reports.sha256(run.resolve("model").resolve(ModelIo.WEIGHTS)), "metrics.json describes other weights");
        assertEquals(m.get("epochs").asInt() + 1, Files.readAllLines(run.resolve("history.csv")).size(), "history.csv of another run");
        assertTrue(Files.size(run.resolve("training.png")) > 1000);
        try (MemoryScope s = MemoryScope.open("check"); Sequential model = ModelIo.load(run.resolve("model"))) {
            assertEquals(93_322, model.paramCount());
        }
        try (Stream<Path> files = Files.walk(run)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "temporary files in a published run");
        }
    }
}
