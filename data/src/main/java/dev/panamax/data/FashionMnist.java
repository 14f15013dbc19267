package dev.panamax.data;

import dev.panamax.data.fetch.Cache;
import dev.panamax.data.fetch.DebPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the Fashion-MNIST files (Zalando's 28 × 28 grey clothing images, ten classes, MNIST's IDX layout): a
 * folder the user names, or the cache ({@code ~/.cache/panamax/fashion-mnist}), filled on first use from Debian's
 * {@code dataset-fashion-mnist} package (see {@link DebPackage}: no root, nothing installed) and verified by SHA-256.
 */
public final class FashionMnist {
    /** Ten kinds of clothing. */
    public static final int CLASSES = 10;
    /** The class names, by label. */
    public static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
            "Bag", "Ankle boot");
    /** The files as MNIST names them; the package holds them gzipped. */
    public static final List<String> FILES = Mnist.FILES;

    static final String DIR = "usr/share/datasets/fashion-mnist/";
    /** SHA-256 of the four gzipped files in dataset-fashion-mnist 0.0~git20200523.55506a9-1. */
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
            "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
            "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
            "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05");

    static final DebPackage PACKAGE = new DebPackage("dataset-fashion-mnist", "Fashion-MNIST",
            "download the four Fashion-MNIST IDX files yourself and pass --data DIR");

    private FashionMnist() {}

    /**
     * The folder holding the four IDX files (raw or {@code .gz}): {@code dataDir} when given, else the cache,
     * fetched with apt when missing. Cached files are verified by SHA-256 before every use.
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
                    throw new IOException("--data " + dataDir + ": missing " + f + " (or " + f + ".gz); a Fashion-MNIST folder needs "
                            + String.join(", ", FILES));
                }
            }
            return dataDir;
        }
        Map<String, String> pinned = new LinkedHashMap<>();
        for (String f : FILES) pinned.put(DIR + f + ".gz", SHA256.get(f + ".gz"));
        return PACKAGE.files(Cache.dir("fashion-mnist"), pinned);
    }

    /**
     * The training ({@code train = true}) or test images of {@code dir}, pixels in [0, 1], the first {@code limit}
     * (all when 0); a label outside 0..9 is refused with the file's name.
     *
     * @param dir   the folder from {@link #locate}
     * @param train the training set (60,000 images) when true, the test set (10,000) when false
     * @param limit how many examples to keep from the start; 0 keeps all
     * @return images (n, 28, 28, 1) in [0, 1] and I64 labels (n); the caller owns them
     * @throws IOException when a file is missing, corrupt, not 28 × 28, or has a label outside 0..9
     */
    public static Dataset read(Path dir, boolean train, int limit) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path labels = Mnist.file(dir, prefix + "-labels-idx1-ubyte");
        Dataset d = Dataset.readIdx(Mnist.file(dir, prefix + "-images-idx3-ubyte"), labels, limit);
        try {
            d.requireLabelsBelow(CLASSES, labels);
            if (d.images().dim(1) != 28 || d.images().dim(2) != 28) {
                throw new IOException(Mnist.file(dir, prefix + "-images-idx3-ubyte") + ": Fashion-MNIST images are 28 × 28, these are "
                        + d.images().dim(1) + " × " + d.images().dim(2));
            }
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }
}
