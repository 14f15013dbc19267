package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax train gpt} on a short text: its files, --resume, and one clear line for each kind of bad input. */
class TrainGptCommandTest {
    /** A short public-domain passage (the opening of Pride and Prejudice), repeated to give a few windows. */
    static final String TEXT = ("It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife. "
            + "However little known the feelings or views of such a man may be on his first entering a neighbourhood, this truth is so well fixed "
            + "in the minds of the surrounding families, that he is considered the rightful property of some one or other of their daughters.\n").repeat(8);

    private static final String[] TINY = {"--iters", "6", "--eval-interval", "3", "--eval-windows", "4", "--layers", "1", "--heads", "2", "--dim", "8",
        "--context", "16", "--batch-size", "2"};

    static String[] args(Path out, Path data, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "gpt", "--data", data.toString(), "--out", out.toString()));
        List<String> tiny = new ArrayList<>(List.of(TINY)), extra = new ArrayList<>(List.of(more));
        for (int i = 0; i < tiny.size(); i += 2) {  // an option given in `more` replaces the tiny default (picocli takes each once)
            int j = extra.indexOf(tiny.get(i));
            if (j >= 0) {
                tiny.set(i + 1, extra.get(j + 1));
                extra.subList(j, j + 2).clear();
            }
        }
        a.addAll(tiny);
        a.addAll(extra);
        return a.toArray(String[]::new);
    }

    @Test
    void trainsAndWritesMetricsPlotAndModelThenResumes(@TempDir Path dir) throws IOException {
        Path data = Files.writeString(dir.resolve("pride.txt"), TEXT), out = dir.resolve("out");
        String said = MainTest.capture(() -> Main.run(args(out, data)), 0);
        assertTrue(said.contains("step 3: train loss") && said.contains("step 6: train loss") && said.contains("Final: train loss"), said);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String key : new String[] {"val_loss", "train_loss", "tokens_per_second", "parameters", "wall_seconds", "config"}) {
            assertTrue(m.has(key), key + " missing from " + m);
        }
        assertEquals(16, m.get("config").get("context").asInt());
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        for (String f : new String[] {"config.json", "vocab.json", "model.safetensors", "optimizer.safetensors", "checkpoint.json"}) {
            assertTrue(Files.exists(out.resolve("model").resolve(f)), f);
        }
        String resumed = MainTest.capture(() -> Main.run(args(out, data, "--resume", out.resolve("model").toString(), "--overwrite", "--iters", "9")), 0);
        assertTrue(resumed.contains("steps 7 to 9") && resumed.contains("step 9: train loss"), resumed);
        assertEquals(3, new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("history").size());
        String longer = MainTest.capture(() -> Main.run(args(out, data, "--resume", out.resolve("model").toString(), "--overwrite", "--iters", "12", "--context", "32")), 1);
        assertOneLine(longer, "--context 32 is longer than the model's context 16");
    }

    @Test
    void badInputGetsOneClearLine(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("good.txt"), TEXT), out = dir.resolve("out");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertOneLine(MainTest.capture(() -> Main.run("train", "gpt", "--corpus", "klingon", "--out", out.toString()), 2),
                "--corpus klingon: unknown; choose english or poetry");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, empty)), 1), "empty.txt: the file is empty");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, latin1)), 1), "latin1.txt: not UTF-8 text");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, dir.resolve("none.txt"))), 1), "none.txt: no such file");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, good, "--batch-size", "0")), 2), "--batch-size must be positive, got 0");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, good, "--context", "-4")), 2), "--context must be positive, got -4");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, good, "--heads", "3")), 2), "--heads 3 does not divide --dim 8");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, good, "--tokenizer", "words")), 2), "--tokenizer words: unknown");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, good, "--context", "4096")), 1), "fewer than one window of --context 4096");
        assertOneLine(MainTest.capture(() -> Main.run(args(out, good, "--resume", dir.resolve("none").toString())), 1), "no such model folder");
        assertOneLine(MainTest.capture(() -> Main.run("train", "gpt", "--corpus", "english", "--data", good.toString()), 2), "not both");
        assertFalse(Files.exists(out.resolve("metrics.json")), "nothing written for bad input");
    }

    private static void assertOneLine(String said, String expected) {
        assertTrue(said.startsWith("panamax train gpt: ") && said.contains(expected), said);
        assertEquals(1, said.strip().lines().count(), "one line, no stack trace:\n" + said);
    }
}
