package dev.panamax.nn.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Atomic file and folder writes: a temporary file in the same folder, renamed over the target when complete; a
 * staged folder swapped in for another. Temporary files are created like any other file, so the result gets the
 * permissions the umask gives (not the 0600 of {@link Files#createTempFile}).
 */
public final class AtomicFiles {
    /**
     * Test hook: milliseconds to wait after a file's bytes are written and before it is renamed into place (0 in
     * normal runs), so that a test can kill the process while a write is in flight; it also announces each write
     * on standard error ("panamax-test: writing NAME", "panamax-test: swapping NAME").
     */
    private static final long WRITE_DELAY_MS = Long.getLong("panamax.test.writeDelayMs", 0);

    private AtomicFiles() {}

    /**
     * Writes {@code text} as UTF-8 to {@code path} atomically (see {@link #write(Path, Writer)}).
     *
     * @param path the file to write; replaced if it exists
     * @param text the whole contents
     * @throws IOException when it cannot be written; an existing file is left as it was
     */
    public static void write(Path path, String text) throws IOException {
        write(path, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** What writes a file's bytes to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the file's bytes.
         *
         * @param out the temporary file's stream; not to be closed
         * @throws IOException to abandon the write (the old file stays)
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code path} through {@code body} into a temporary sibling, forced to disk, then renamed over it.
     *
     * @param path the file to write; replaced if it exists
     * @param body writes the contents
     * @throws IOException when it cannot be written, or {@code body} throws; an existing file is left as it was
     */
    public static void write(Path path, Writer body) throws IOException {
        Path tmp = temporarySibling(path);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            commit(tmp, path);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A path beside {@code path} that does not exist yet, for a temporary file; its folder is created. Create it
     * with {@link StandardOpenOption#CREATE_NEW} and finish with {@link #commit}.
     *
     * @param path the file the temporary one will replace
     * @return the temporary path (not created)
     * @throws IOException when the folder cannot be created
     */
    public static Path temporarySibling(Path path) throws IOException {
        Path dir = Files.createDirectories(path.toAbsolutePath().getParent());
        return dir.resolve("." + path.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
    }

    /**
     * Renames the complete temporary file {@code tmp} over {@code path} in one step.
     *
     * @param tmp  the complete temporary file, a sibling of {@code path}
     * @param path the file to replace
     * @throws IOException when the rename fails
     */
    public static void commit(Path tmp, Path path) throws IOException {
        pauseForTests("writing " + path.getFileName());
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Puts the complete folder {@code staged} in the place of {@code target}. A folder cannot be renamed over a
     * non-empty one, so an existing target first moves aside to {@link #previous}; a kill between the two renames
     * leaves the previous folder there, which {@link #recover} puts back. Both folders must be on one file system
     * (siblings are).
     *
     * @param staged the complete new folder
     * @param target the folder to replace; need not exist
     * @throws IOException when a rename or the deletion of the old folder fails
     */
    public static void replaceFolder(Path staged, Path target) throws IOException {
        Path old = previous(target);
        deleteTree(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            pauseForTests("swapping " + target.getFileName());
        }
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    /** What fills a folder: writes its files into {@code dir}, a fresh empty folder. */
    @FunctionalInterface
    public interface FolderWriter {
        /**
         * Writes the folder's files.
         *
         * @param dir a fresh empty folder, later renamed to the target
         * @throws IOException to abandon the write (the previous folder stays)
         */
        void writeInto(Path dir) throws IOException;
    }

    /**
     * Writes the folder {@code target} whole: {@code body} fills a fresh hidden sibling ({@link #isStaging}), which
     * then takes {@code target}'s place through {@link #replaceFolder}. Readers find the previous folder or the new
     * one, never a mixture. A kill leaves at most a staging sibling, which the next write of {@code target} deletes
     * (one writer per folder), and the previous folder aside, which {@link #recover} puts back.
     *
     * @param target the folder to write; replaced if it exists
     * @param body   fills the fresh folder
     * @throws IOException when it cannot be written, or {@code body} throws; the previous folder stays
     */
    public static void writeFolder(Path target, FolderWriter body) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path parent = Files.createDirectories(t.getParent());
        recover(t);
        String prefix = "." + t.getFileName() + STAGING;
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path stale : siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) deleteTree(stale);
        }
        // Created as any folder (the umask's permissions, not a temporary folder's 0700).
        Path staging = Files.createDirectory(parent.resolve(prefix + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)));
        try {
            body.writeInto(staging);
            replaceFolder(staging, t);
        } finally {
            deleteTree(staging);
        }
    }

    private static final String STAGING = ".staging-";

    /**
     * Whether {@code dir} is a staging folder of {@link #writeFolder}: a write that has not finished, or never will.
     *
     * @param dir a folder
     * @return true for a staging folder, which readers should skip
     */
    public static boolean isStaging(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name != null && name.toString().startsWith(".") && name.toString().contains(STAGING);
    }

    /**
     * The folder to read {@code target} from: itself, or, when a kill between the two renames of
     * {@link #replaceFolder} left it missing, its previous version (read where it is: a reader never moves folders
     * a writer may be moving).
     *
     * @param target the folder to read
     * @return the folder to read from
     */
    public static Path readable(Path target) {
        if (Files.exists(target)) return target;
        Path old = previous(target);
        return Files.isDirectory(old) ? old : target;
    }

    /**
     * Where {@link #replaceFolder} keeps {@code target}'s previous version during the swap: a hidden sibling.
     *
     * @param target the folder being replaced
     * @return the hidden sibling's path
     */
    public static Path previous(Path target) {
        Path t = target.toAbsolutePath().normalize();
        return t.resolveSibling("." + t.getFileName() + ".previous");
    }

    /**
     * Repairs what a kill in {@link #replaceFolder} may have left: the previous version goes back when the target
     * is missing, and is deleted when the target is there.
     *
     * @param target the folder to repair
     * @throws IOException when a move or deletion fails
     */
    public static void recover(Path target) throws IOException {
        Path old = previous(target);
        if (!Files.exists(old)) return;
        if (Files.exists(target)) deleteTree(old);
        else Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The test hook: announces {@code what} on standard error and waits, when the delay is set. */
    private static void pauseForTests(String what) {
        if (WRITE_DELAY_MS <= 0) return;
        System.err.println("panamax-test: " + what);
        System.err.flush();
        try {
            Thread.sleep(WRITE_DELAY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Deletes {@code p} and everything under it, if it exists.
     *
     * @param p a file or folder
     * @throws IOException when something cannot be deleted
     */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }
}
