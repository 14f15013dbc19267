package dev.panamax.cli;

import static dev.panamax.cli.MainTest.capture;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's parsing only; the server itself is tested in apps ({@code ModelServerTest}). */
class ServeCommandTest {
    @Test
    void helpNamesTheOptionsAndMainListsTheCommand() {
        String help = capture(() -> Main.run("serve", "--help"), 0);
        for (String o : new String[] {"--port", "--host", "--threads", "--max-batch", "--max-wait-ms", "--queue", "--max-body"}) {
            assertTrue(help.contains(o), o + " missing from:\n" + help);
        }
        assertTrue(capture(() -> Main.run("--help"), 0).contains("\n  serve "));
    }

    @Test
    void badModelsAndOptionsAreOneLineErrors(@TempDir Path dir) {
        String said = capture(() -> Main.run("serve", dir.resolve("none").toString(), "--port", "0"), 1);
        assertTrue(said.startsWith("panamax serve: ") && said.contains("no such model folder"), said);
        said = capture(() -> Main.run("serve", dir.toString(), "--max-batch", "0"), 2);
        assertTrue(said.contains("Invalid value for option '--max-batch': must be 1 or more, got 0"), said);
        said = capture(() -> Main.run("serve", dir.toString(), "--port", "70000"), 2);
        assertTrue(said.contains("must be a port from 0 to 65535, got 70000"), said);
        said = capture(() -> Main.run("serve", "a b=" + dir), 1);
        assertTrue(said.contains("model name 'a b'"), said);
    }
}
