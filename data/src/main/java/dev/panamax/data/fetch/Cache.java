package dev.panamax.data.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;

/**
 * The download cache ({@code ~/.cache/panamax}, overridable by {@code PANAMAX_CACHE}) and the two things every
 * file in it needs: a SHA-256 check against a pinned value, and writes that a crash cannot leave half done.
 */
public final class Cache {
    private Cache() {}

    /** The cache folder for one data set or vocabulary, {@code name} below the cache root. */
    public static Path dir(String name) {
        String env = System.getenv("PANAMAX_CACHE");
        Path base = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "panamax");
        return base.resolve(name);
    }

    /** Throws, naming the file, where it came from and the way out, unless {@code file}'s SHA-256 is {@code want}. */
    public static void verify(Path file, String want, String origin) throws IOException {
        String got = sha256(file);
        if (!got.equals(want)) {
            throw new IOException(file + ": SHA-256 " + got + " does not match " + origin + "'s " + want
                    + ". Delete the file; it will be fetched again.");
        }
    }

    /** The lowercase hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The lowercase hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /**
     * Writes {@code bytes} to {@code target} through a temporary file in the same folder and one atomic move, so
     * a reader sees the old file or the new one, never a partial one.
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Moves {@code source} over {@code target} in one step (both on the same file system). */
    public static void moveAtomically(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes a folder and everything in it; a folder that is already gone is fine. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
