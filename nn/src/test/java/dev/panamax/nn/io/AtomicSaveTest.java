package dev.panamax.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.nn.Dense;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.optim.Adam;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved model folder is one complete save whatever happens during the next one: a save that fails half-way,
 * or a process killed with SIGKILL while it writes each file or between the two renames that publish the folder.
 * The two saves are of different architectures, so new weights beside an old config (or the reverse) do not load.
 */
class AtomicSaveTest {
    /** The model saved first (3 hidden units) and the one the interrupted save writes (5). */
    static Sequential model(int hidden) {
        return new Sequential(hidden).add(new Dense(hidden, "tanh")).add(new Dense(2, "softmax")).build(4);
    }

    static final long OLD_PARAMS = 4 * 3 + 3 + 3 * 2 + 2, NEW_PARAMS = 4 * 5 + 5 + 5 * 2 + 2;

    /** Child JVM: saves a checkpoint of {@code model(5)} after "epoch 7" to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        try (MemoryScope s = MemoryScope.open("child")) {
            ModelIo.saveCheckpoint(model(5), new Adam(0.01), Path.of(args[0]), 7);
        }
    }

    @Test
    void aSaveFailingHalfWayLeavesTheEarlierModel(@TempDir Path dir) throws IOException {
        Path saved = dir.resolve("model");
        try (MemoryScope s = MemoryScope.open("t")) {
            ModelIo.saveCheckpoint(model(3), new Adam(0.01), saved, 1);
            IOException e = assertThrows(IOException.class, () -> ModelIo.saveCheckpoint(model(5), new Adam(0.01), saved, 7, staging -> {
                throw new IOException("disk full (made up by the test)");
            }));
            assertEquals("disk full (made up by the test)", e.getMessage());
            assertSaved(saved, OLD_PARAMS, 1);
            assertEquals(List.of("model"), names(dir), "staging folder left after a failed save");
        }
    }

    @Test
    void aKilledSaveLeavesTheEarlierModelOrTheNewOneWhole(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("model");
        try (MemoryScope s = MemoryScope.open("t")) {
            ModelIo.saveCheckpoint(model(3), new Adam(0.01), saved, 1);
        }
        for (String point : List.of("writing model.safetensors", "writing config.json", "writing optimizer.safetensors", "swapping model")) {
            String said = killWhen(child(saved, "-Dpanamax.test.writeDelayMs=150"), "panamax-test: " + point);
            assertTrue(said.contains(point), said);
            assertSaved(saved, OLD_PARAMS, 1);  // every kill comes before the new folder is in place
        }
        // The next save deletes what the kills left (staging folders, the earlier model set aside) and publishes.
        Process done = child(saved);
        String out = new String(done.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done.waitFor(2, TimeUnit.MINUTES) && done.exitValue() == 0, out);
        assertSaved(saved, NEW_PARAMS, 7);
        assertEquals(List.of("model"), names(dir), "stale staging or previous folders left");
    }

    @Test
    void aFolderOfOtherFilesIsNotReplacedAndAStagingFolderDoesNotLoad(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        try (MemoryScope s = MemoryScope.open("t")) {
            IOException refused = assertThrows(IOException.class, () -> ModelIo.save(model(3), dir));
            assertEquals(dir + " holds files that are not a saved model (notes.txt); a save replaces its folder whole, so save into a new or empty folder",
                    refused.getMessage());
            assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
            Path staging = Files.createDirectories(dir.resolve(".model.staging-1f"));
            IOException unfinished = assertThrows(IOException.class, () -> ModelIo.load(staging));
            assertTrue(unfinished.getMessage().contains("staging folder of a save that did not finish"), unfinished.getMessage());
            assertFalse(unfinished.getMessage().contains("\n"));
        }
    }

    /** {@code dir} loads, with its optimizer state, as one save: {@code params} parameters after {@code epoch} epochs. */
    static void assertSaved(Path dir, long params, int epoch) throws IOException {
        try (MemoryScope s = MemoryScope.open("check")) {
            ModelIo.Checkpoint cp = ModelIo.resume(dir, new Adam(0.01));
            assertEquals(params, cp.model().paramCount(), "the model in " + dir);
            assertEquals(epoch, cp.epoch(), "the optimizer state of another save");
        }
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static Process child(Path saved, String... properties) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--") || a.startsWith("-Darrow")) cmd.add(a);
        }
        cmd.addAll(List.of(properties));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AtomicSaveTest.class.getName(), saved.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Reads the child's output until a line starts with {@code line}, then SIGKILLs it; fails if it ends first. */
    static String killWhen(Process p, String line) throws IOException, InterruptedException {
        StringBuilder seen = new StringBuilder();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String l; (l = in.readLine()) != null; ) {
            seen.append(l).append('\n');
            if (l.startsWith(line)) {
                p.destroyForcibly();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not die");
                return seen.toString();
            }
        }
        p.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("the child ended (exit " + p.exitValue() + ") before '" + line + "':\n" + seen);
    }
}
