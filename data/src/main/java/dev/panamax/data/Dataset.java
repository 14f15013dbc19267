package dev.panamax.data;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Images and labels that belong together: images {@code (N, H, W, 1)}, normalised F32 or raw 8-bit pixels (U8, see
 * {@link #readIdxPixels}), and I64 labels {@code (N)}. Shuffling permutes both with the same permutation (the
 * tutorial's code shuffled them separately, which pairs every image with a random label).
 *
 * @param images the images (N, H, W, 1), F32 or U8; the data set owns them (closing it closes them)
 * @param labels the class indices (N), I64; the data set owns them
 */
public record Dataset(Tensor images, Tensor labels) implements AutoCloseable {
    /** What 8-bit pixels are multiplied by to lie in [0, 1], as {@link #readIdx} scales them. */
    public static final double PIXEL_SCALE = 1.0 / 255;

    /**
     * Checks that images and labels pair up.
     *
     * @throws IllegalArgumentException when they hold different numbers of examples
     */
    public Dataset {
        if (images.dim(0) != labels.dim(0)) {
            throw new IllegalArgumentException("dataset: " + images.dim(0) + " images but " + labels.dim(0) + " labels");
        }
    }

    /**
     * Reads an IDX image/label pair and scales pixels to [0, 1]; {@code limit} > 0 keeps the first examples.
     *
     * @param images the IDX image file (N, H, W) of unsigned bytes, raw or gzipped
     * @param labels the IDX label file (N) of unsigned bytes, raw or gzipped
     * @param limit  how many examples to keep from the start; 0 or less keeps all
     * @return the images (n, H, W, 1) in [0, 1] and the labels (n) as I64; the caller owns them
     * @throws IOException when a file cannot be read, is not IDX, has the wrong rank, or the counts differ
     */
    public static Dataset readIdx(Path images, Path labels, int limit) throws IOException {
        // Scaled in place: one float copy of the images in memory, not two, at the peak of loading.
        try (Dataset bytes = readIdxPixels(images, labels, limit); Tensor f = bytes.images().to(DType.F32).divInPlace(255.0)) {
            return new Dataset(f.reshape(f.shape()), bytes.labels().reshape(bytes.labels().shape()));
        }
    }

    /**
     * Reads an IDX image/label pair keeping the pixels as bytes: a quarter of the memory of {@link #readIdx} (MNIST's
     * 60,000 training images are 47 MB instead of 188 MB). {@link DataLoader} scales each batch as it copies it
     * (by {@link #PIXEL_SCALE} to [0, 1], the values {@code readIdx} gives), and a model with
     * {@code Preprocessing.pixels()} scales them the same way in fit, evaluate and predict.
     *
     * @param images the IDX image file (N, H, W) of unsigned bytes, raw or gzipped
     * @param labels the IDX label file (N) of unsigned bytes, raw or gzipped
     * @param limit  how many examples to keep from the start; 0 or less keeps all
     * @return the images (n, H, W, 1) as U8 and the labels (n) as I64; the caller owns them
     * @throws IOException when a file cannot be read, is not IDX, has the wrong rank, or the counts differ
     */
    public static Dataset readIdxPixels(Path images, Path labels, int limit) throws IOException {
        try (Tensor raw = Idx.read(images); Tensor lab = Idx.read(labels)) {
            long n = checkedCount(raw, lab, images, labels, limit);
            // All of them: a view of the file's bytes, no copy; a few: a copy, so that the rest is freed.
            try (Tensor r = raw.slice(0, 0, n); Tensor kept = n < raw.dim(0) ? r.copy() : r.reshape(r.shape()); Tensor l = lab.slice(0, 0, n)) {
                return new Dataset(kept.reshape(n, raw.dim(1), raw.dim(2), 1), l.to(DType.I64));
            }
        }
    }

    private static long checkedCount(Tensor raw, Tensor lab, Path images, Path labels, int limit) throws IOException {
        if (raw.rank() != 3) throw new IOException(images + ": expected 3-D image data (N, H, W), got " + java.util.Arrays.toString(raw.shape()));
        if (lab.rank() != 1) throw new IOException(labels + ": expected 1-D labels, got " + java.util.Arrays.toString(lab.shape()));
        if (raw.dim(0) != lab.dim(0)) {
            throw new IOException(images + " holds " + raw.dim(0) + " images but " + labels + " holds " + lab.dim(0) + " labels");
        }
        return limit > 0 ? Math.min(limit, raw.dim(0)) : raw.dim(0);
    }

    /** {@return the number of examples N} */
    public long size() {
        return labels.dim(0);
    }

    /**
     * Checks that every label is a class index below {@code classes}; a corrupt label file would otherwise
     * silently grow the model's output layer. The error names {@code file}, the first bad label and where it is.
     *
     * @param classes the number of classes; labels must lie in 0 to classes - 1
     * @param file    the label file, named in the error
     * @throws IOException when a label is out of range
     */
    public void requireLabelsBelow(int classes, Path file) throws IOException {
        long[] all = labels.toLongArray();
        for (int i = 0; i < all.length; i++) {
            if (all[i] < 0 || all[i] >= classes) {
                throw new IOException(file + ": label " + all[i] + " at index " + i + " is not a class of this data set (0 to " + (classes - 1)
                        + "); the label file is corrupt or belongs to another data set");
            }
        }
    }

    /** {@return the number of classes: the largest label + 1} */
    public int classes() {
        try (Tensor m = labels.max()) {
            return (int) m.item() + 1;
        }
    }

    /** {@return the mean and (population) standard deviation of every pixel, for {@link #standardized}, as {mean, std}} */
    public double[] meanStd() {
        try (Tensor m = images.mean(); Tensor v = images.var(new int[0], false, 0)) {
            return new double[] {m.item(), Math.sqrt(v.item())};
        }
    }

    /**
     * A copy with pixels shifted and scaled to {@code (x - mean) / std} (use the training set's statistics).
     *
     * @param mean subtracted from every pixel
     * @param std  every shifted pixel is divided by it; positive
     * @return a new data set the caller owns; this one is unchanged
     * @throws IllegalArgumentException when {@code std} is not positive
     */
    public Dataset standardized(double mean, double std) {
        if (!(std > 0)) throw new IllegalArgumentException("standardized: std must be positive, got " + std);
        try (Tensor c = images.sub(mean)) {
            return new Dataset(c.div(std), labels.reshape(labels.shape()));
        }
    }

    /**
     * A copy with examples and labels permuted together by {@code rng}.
     *
     * @param rng draws the permutation
     * @return a new data set the caller owns; this one is unchanged
     */
    public Dataset shuffled(Rng rng) {
        int[] perm = rng.permutation((int) size());
        try (Tensor idx = Tensor.of(perm, perm.length)) {
            return new Dataset(images.indexSelect(0, idx), labels.indexSelect(0, idx));
        }
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
