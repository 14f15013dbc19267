package dev.panamax.data.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the package tool (npm, apt-get, dpkg, tar) that fetches a data set into the cache, with one-line errors. */
final class FetchTool {
    private FetchTool() {}

    /**
     * Runs {@code cmd} in {@code dir} and waits up to ten minutes. A tool that cannot start or that fails becomes one
     * {@link IOException} naming {@code what} was being fetched, {@code installHint} (how to get the tool) and
     * {@code offlineHint} (how to do without it).
     */
    static void run(Path dir, String what, String installHint, String offlineHint, String... cmd) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(what + " is not cached and '" + cmd[0] + "' could not be started (" + e.getMessage() + "). "
                    + installHint + "; or " + offlineHint + ".", e);
        }
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " is not cached and '" + String.join(" ", cmd) + "' failed (exit " + p.exitValue() + "): "
                    + out.strip().replace('\n', ' ') + ". When offline, " + offlineHint + ".");
        }
    }
}
