package dev.panamax.cli.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a loader may do with a damaged file: load it, or refuse it with a one-line message (an {@link IOException},
 * {@link UncheckedIOException} or {@link IllegalArgumentException}). Anything else escapes to Jazzer as a finding.
 */
final class UserErrors {
    private UserErrors() {}

    @FunctionalInterface
    interface Load {
        void run() throws Exception;
    }

    static void allowOnlyOneLineErrors(Load load) throws Exception {
        try {
            load.run();
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
                throw new AssertionError("a user error without a one-line message: " + e, e);
            }
        }
    }

    /** A fresh scratch file holding {@code bytes}, deleted when the JVM exits. */
    static Path file(String name, byte[] bytes) throws IOException {
        Path dir = Files.createTempDirectory("panamax-fuzz");
        dir.toFile().deleteOnExit();
        Path f = Files.write(dir.resolve(name), bytes);
        f.toFile().deleteOnExit();
        return f;
    }
}
