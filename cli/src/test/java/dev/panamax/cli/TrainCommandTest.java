package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax train mnist} refuses bad output folders and bad data before any training starts, in one line each. */
class TrainCommandTest {
    private static String refused(int code, String... args) {
        String said = MainTest.capture(() -> Main.run(args), code);
        assertFalse(said.contains("Training on"), "trained before refusing:\n" + said);
        assertFalse(said.contains("\tat "), "a stack trace:\n" + said);
        return said;
    }

    @Test
    void outputLocationsAreCheckedBeforeTraining(@TempDir Path dir) throws IOException {
        Path data = TinyMnist.write(dir.resolve("mnist"), 20, 10);
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        assertTrue(refused(1, "train", "mnist", "--data", data.toString(), "--out", file.toString())
                .contains("is a file, not a folder"));
        assertEquals("keep me", Files.readString(file));
        assertTrue(refused(1, "train", "mnist", "--data", data.toString(), "--out", file.resolve("run").toString())
                .contains(file + " is a file, so the folder cannot be created"));
        Path earlier = Files.createDirectories(dir.resolve("earlier"));
        Files.writeString(earlier.resolve("metrics.json"), "{}");
        assertTrue(refused(1, "train", "mnist", "--data", data.toString(), "--out", earlier.toString())
                .contains("already holds a run (metrics.json); pass --overwrite"));
        assertEquals("{}", Files.readString(earlier.resolve("metrics.json")));
        assertTrue(refused(1, "train", "mnist", "--data", data.toString(), "--out", "/proc/panamax-run/out").contains("cannot create /proc/panamax-run"));
    }

    @Test
    void trainWithoutATaskListsTheTasksInsteadOfTraining() {
        String said = refused(2, "train");
        assertTrue(said.contains("name what to train: mnist, or gpt") && said.contains("Usage: panamax train"), said);
    }

    @Test
    void labelsOutsideTheTenDigitsAreRefused(@TempDir Path dir) throws IOException {
        Path data = TinyMnist.write(dir.resolve("mnist"), 20, 10);
        TinyMnist.corruptLabel(data, 7, 200);
        String said = refused(1, "train", "mnist", "--data", data.toString(), "--out", dir.resolve("out").toString());
        assertTrue(said.contains("train-labels-idx1-ubyte: label 200 at index 7 is not a class of this data set (0 to 9)"), said);
        assertFalse(Files.exists(dir.resolve("out")), "nothing published");
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "the staging folder of a failed run is removed");
        }
    }

    @Test
    void numericOptionsAreCheckedWhileParsing() {
        for (String[] bad : new String[][] {{"--threads", "0"}, {"--batch-size", "0"}, {"--epochs", "-1"}, {"--limit", "-5"}, {"--checkpoint-every", "-1"}}) {
            String said = refused(2, "train", "mnist", bad[0], bad[1]);
            assertTrue(said.contains("Invalid value for option '" + bad[0] + "'") && said.contains("got " + bad[1]), said);
            assertEquals(2, said.strip().lines().count(), said);
        }
        assertTrue(refused(2, "train", "mnist", "--threads", "many").contains("'many' is not a whole number"));
    }
}
