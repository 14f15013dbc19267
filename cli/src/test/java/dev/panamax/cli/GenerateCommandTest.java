package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax generate} on a tiny model trained here: seeded output, streaming to stdout, clear refusals. */
class GenerateCommandTest {
    private static final String TEXT = "the cat sat on the mat and the dog sat on the log.\n".repeat(40);

    /** The generated text: everything before the closing timing line. */
    private static String text(String said) {
        String s = said.stripTrailing();
        return s.substring(0, s.lastIndexOf('\n'));
    }

    @Test
    void continuesThePromptTheSameWayForASeedAndRefusesBadInput(@TempDir Path dir) throws IOException {
        Path data = Files.writeString(dir.resolve("cats.txt"), TEXT), out = dir.resolve("out");
        MainTest.capture(() -> Main.run("train", "gpt", "--data", data.toString(), "--out", out.toString(), "--iters", "30",
                "--eval-interval", "30", "--eval-windows", "2", "--layers", "1", "--heads", "2", "--dim", "16", "--context", "16",
                "--batch-size", "4"), 0);
        String model = out.resolve("model").toString();
        String a = MainTest.capture(() -> Main.run("generate", model, "--prompt", "the cat", "--tokens", "40", "--seed", "3"), 0);
        String b = MainTest.capture(() -> Main.run("generate", model, "--prompt", "the cat", "--tokens", "40", "--seed", "3"), 0);
        String c = MainTest.capture(() -> Main.run("generate", model, "--prompt", "the cat", "--tokens", "40", "--seed", "4",
                "--temperature", "1.5"), 0);
        assertTrue(text(a).startsWith("the cat") && text(a).length() == "the cat".length() + 40, a);
        assertEquals(text(a), text(b), "same seed, same text");
        assertNotEquals(text(a), text(c), "another seed and temperature should give other text");
        assertTrue(a.contains("40 tokens in") && a.contains("tokens/s, first token after"), a);
        // Past the context of 16: the cache is refilled and generation goes on.
        String greedy = MainTest.capture(() -> Main.run("generate", model, "--prompt", "the", "--tokens", "50", "--temperature", "0"), 0);
        assertEquals("the".length() + 50, text(greedy).length(), greedy);

        assertOneLine(MainTest.capture(() -> Main.run("generate", model, "--prompt", "the cat ☃"), 1), "'☃' (U+2603)");
        assertOneLine(MainTest.capture(() -> Main.run("generate", model, "--prompt", "the cat sat on the mat and"), 1),
                "reads at most 16");
        assertOneLine(MainTest.capture(() -> Main.run("generate", model, "--prompt", "the", "--top-p", "0"), 1), "top-p must be in (0, 1]");
        assertOneLine(MainTest.capture(() -> Main.run("generate", dir.resolve("none").toString(), "--prompt", "the"), 1), "none");
    }

    private static void assertOneLine(String said, String expected) {
        assertTrue(said.startsWith("panamax generate: ") && said.contains(expected), said);
        assertEquals(1, said.strip().lines().count(), "one line, no stack trace:\n" + said);
    }
}
