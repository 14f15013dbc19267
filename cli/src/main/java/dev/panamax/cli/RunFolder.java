package dev.panamax.cli;

import dev.panamax.nn.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The output folder of one training run, checked before any work starts and published whole. Every file of the
 * run (model, config, reports, plots) is written into a hidden staging folder beside the target
 * ({@code .NAME.staging-PID}); {@link #publish} swaps it in with renames, so the target always holds one complete
 * run: the previous one, or this one. A kill leaves at most a staging folder, which the next run into the same
 * target deletes. Two runs into one target at the same time are not supported.
 */
final class RunFolder {
    private final Path target, staging;

    private RunFolder(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /**
     * Checks {@code out} for {@code command} (as "panamax train"): it must be a folder or not exist, and be empty
     * unless {@code overwrite}; its parent is created and must be writable. Repairs what a killed run left and
     * creates the staging folder. Throws an {@link IOException} with a one-line message otherwise.
     */
    static RunFolder prepare(Path out, boolean overwrite) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        if (target.getParent() == null) throw new IOException("--out " + out + ": a run cannot be written to the root folder");
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IOException("--out " + out + " is a file, not a folder: give a folder for the run's files");
        }
        createParent(out, target.getParent());
        AtomicFiles.recover(target);
        deleteStaleStaging(target);
        if (!overwrite && Files.isDirectory(target) && !isEmpty(target)) {
            throw new IOException("--out " + out + " already holds a run (" + listing(target) + "); pass --overwrite to replace it when this run"
                    + " finishes, or choose another --out");
        }
        Path staging = target.resolveSibling("." + target.getFileName() + ".staging-" + ProcessHandle.current().pid());
        try {
            AtomicFiles.deleteTree(staging);
            Files.createDirectory(staging);
            Files.delete(Files.createFile(staging.resolve(".write-test")));
        } catch (AccessDeniedException e) {
            throw new IOException("--out " + out + ": cannot write in " + target.getParent() + " (permission denied or a read-only file system)", e);
        } catch (FileSystemException e) {
            throw new IOException("--out " + out + ": cannot write in " + target.getParent() + " (" + reason(e) + ")", e);
        }
        return new RunFolder(target, staging);
    }

    /** The published folder. */
    Path target() {
        return target;
    }

    /** Where this run writes its files until {@link #publish}. */
    Path staging() {
        return staging;
    }

    /** Puts the complete staging folder in the target's place (the previous run, if any, is deleted). */
    void publish() throws IOException {
        AtomicFiles.replaceFolder(staging, target);
    }

    /** Deletes the staging folder after a failed run (a killed run's is deleted by the next run). */
    void discard() {
        try {
            AtomicFiles.deleteTree(staging);
        } catch (IOException e) {
            // The next run into this target deletes it.
        }
    }

    private static void createParent(Path out, Path parent) throws IOException {
        try {
            Files.createDirectories(parent);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IOException("--out " + out + ": " + e.getFile() + " is a file, so the folder cannot be created", e);
        } catch (AccessDeniedException e) {
            throw new IOException("--out " + out + ": cannot create " + parent + " (permission denied or a read-only file system)", e);
        } catch (FileSystemException e) {
            throw new IOException("--out " + out + ": cannot create " + parent + " (" + reason(e) + ")", e);
        }
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    private static void deleteStaleStaging(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".staging-";
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            for (Path p : siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                // A staging folder of a run still going (its process alive) is left alone.
                String pid = p.getFileName().toString().substring(prefix.length());
                boolean alive = pid.matches("\\d+") && Long.parseLong(pid) != ProcessHandle.current().pid()
                        && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) AtomicFiles.deleteTree(p);
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static String listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            return names.size() <= 4 ? String.join(", ", names) : String.join(", ", names.subList(0, 4)) + ", ...";
        }
    }
}
