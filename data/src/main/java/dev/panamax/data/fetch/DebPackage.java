package dev.panamax.data.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Debian package that Panamax takes data files from: fetched once with {@code apt-get download} (no root, no
 * install scripts), unpacked with {@code dpkg -x} into a temporary folder, and each file used checked by its pinned
 * SHA-256 before it reaches the cache (the files are pinned rather than the .deb, whose bytes change with every
 * Debian revision while the data does not). Offline with nothing cached, the error says what to do instead.
 *
 * @param name        the package name, as {@code apt-get download} takes it
 * @param what        what the files are, for messages ("the Mauna Loa CO2 series")
 * @param offlineHint how to do without apt, for messages
 */
public record DebPackage(String name, String what, String offlineHint) {
    /**
     * The folder {@code dir} holding the package files named by {@code sha256ByPath} (path inside the package,
     * e.g. {@code usr/lib/…/co2.csv} → SHA-256), each under its own file name: fetched when any is missing, and every
     * one verified before use.
     */
    public Path files(Path dir, Map<String, String> sha256ByPath) throws IOException {
        if (!sha256ByPath.keySet().stream().allMatch(p -> Files.exists(dir.resolve(fileName(p))))) {
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "fetch");
            try {
                run(work, "apt-get", "download", name);
                Path deb;
                try (var files = Files.list(work)) {
                    deb = files.filter(p -> p.toString().endsWith(".deb")).findFirst()
                            .orElseThrow(() -> new IOException("apt-get download " + name + " produced no .deb in " + work));
                }
                run(work, "dpkg", "-x", deb.getFileName().toString(), "root");
                for (var e : sha256ByPath.entrySet()) {
                    Path src = work.resolve("root").resolve(e.getKey());
                    if (!Files.exists(src)) throw new IOException(name + " has no " + e.getKey() + "; the pinned version holds it");
                    Cache.verify(src, e.getValue(), name);
                    Cache.moveAtomically(src, dir.resolve(fileName(e.getKey())));
                }
            } finally {
                Cache.deleteTree(work);
            }
        }
        for (var e : sha256ByPath.entrySet()) Cache.verify(dir.resolve(fileName(e.getKey())), e.getValue(), name);
        return dir;
    }

    private static String fileName(String pathInPackage) {
        return Path.of(pathInPackage).getFileName().toString();
    }

    private void run(Path dir, String... cmd) throws IOException {
        FetchTool.run(dir, what, "On Debian or Ubuntu, apt-get and dpkg fetch it", offlineHint, cmd);
    }
}
