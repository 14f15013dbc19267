package dev.panamax.data;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Batches of a {@link Dataset}: shuffled each epoch with one permutation for images and labels together,
 * optionally augmented, written into two reused batch buffers by a background thread while the model trains
 * on the other (no allocation per batch). Each {@link Batch} is valid until the next one is taken. Examples held
 * as 8-bit pixels (a quarter of the memory of floats) are converted to {@code value · scale + offset} in that copy.
 *
 * <pre>{@code
 * try (DataLoader loader = new DataLoader(train, 32, true, 42, Augmentation.NONE)) {
 *     for (DataLoader.Batch b : loader.epoch(0)) trainer.trainOnBatch(b.images(), b.labels());
 * }
 * }</pre>
 */
public final class DataLoader implements AutoCloseable {
    /**
     * One batch: views of the loader's buffers, {@code size} examples long.
     *
     * @param images the examples (size, ...), F32 (scaled when the data set holds bytes); valid until the next batch is taken
     * @param labels the targets (size, ...); valid until the next batch is taken
     * @param size   the number of examples, {@code batchSize} except for a shorter last batch
     */
    public record Batch(Tensor images, Tensor labels, int size) {}

    private final Tensor x, y;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final Augmentation augmentation;
    private final Tensor[] images = new Tensor[2], labels = new Tensor[2];
    private final long exampleElements, targetElements;
    private final int h, w, c;
    private final float byteScale, byteOffset;

    /**
     * Batches of {@code data}'s images and labels; see {@link #DataLoader(Tensor, Tensor, int, boolean, long, Augmentation)}.
     *
     * @param data         the images and labels; must stay open while the loader is used
     * @param batchSize    examples per batch, positive
     * @param shuffle      whether each epoch visits the examples in a new random order
     * @param seed         the seed of the shuffles and augmentations (same seed, same epochs)
     * @param augmentation what to do to each image, or {@link Augmentation#NONE}
     * @throws IllegalArgumentException when the batch size is not positive or the data does not fit (see the other constructor)
     */
    public DataLoader(Dataset data, int batchSize, boolean shuffle, long seed, Augmentation augmentation) {
        this(data.images(), data.labels(), batchSize, shuffle, seed, augmentation, Dataset.PIXEL_SCALE, 0);
    }

    /**
     * Batches of examples {@code x} (contiguous F32, any shape (N, ...)) and targets {@code y} (contiguous, (N, ...),
     * any dtype). Augmentation needs images (N, H, W, C).
     *
     * @param x            the examples (N, ...), contiguous F32; must stay open while the loader is used
     * @param y            the targets (N, ...), contiguous, any dtype
     * @param batchSize    examples per batch, positive
     * @param shuffle      whether each epoch visits the examples in a new random order
     * @param seed         the seed of the shuffles and augmentations (same seed, same epochs)
     * @param augmentation what to do to each image, or {@link Augmentation#NONE}
     * @throws IllegalArgumentException when the batch size is not positive, {@code x} is not contiguous F32 of rank
     *                                  2 or more, {@code y} is not contiguous with as many rows, or augmentation is
     *                                  asked for data that is not (N, H, W, C)
     */
    public DataLoader(Tensor x, Tensor y, int batchSize, boolean shuffle, long seed, Augmentation augmentation) {
        this(x, y, batchSize, shuffle, seed, augmentation, 1, 0);
    }

    /**
     * Batches of examples {@code x} held as F32 or as 8-bit values (U8: raw pixels, converted to
     * {@code value · byteScale + byteOffset} as each batch is copied, so the data set never exists as floats);
     * otherwise as {@link #DataLoader(Tensor, Tensor, int, boolean, long, Augmentation)}.
     *
     * @param x            the examples (N, ...), contiguous F32 or U8; must stay open while the loader is used
     * @param y            the targets (N, ...), contiguous, any dtype
     * @param batchSize    examples per batch, positive
     * @param shuffle      whether each epoch visits the examples in a new random order
     * @param seed         the seed of the shuffles and augmentations (same seed, same epochs)
     * @param augmentation what to do to each image (after scaling), or {@link Augmentation#NONE}
     * @param byteScale    the factor for U8 examples (1/255 for pixels in [0, 1]); F32 examples are copied as they are
     * @param byteOffset   added to U8 examples after scaling
     * @throws IllegalArgumentException as the other constructor, or when {@code x} is neither F32 nor U8
     */
    public DataLoader(Tensor x, Tensor y, int batchSize, boolean shuffle, long seed, Augmentation augmentation, double byteScale,
                      double byteOffset) {
        if (batchSize <= 0) throw new IllegalArgumentException("DataLoader: batch size must be positive");
        if ((x.dtype() != DType.F32 && x.dtype() != DType.U8) || !x.isContiguous() || x.rank() < 2 || !y.isContiguous() || y.dim(0) != x.dim(0)) {
            throw new IllegalArgumentException("DataLoader: examples must be contiguous F32 or U8 (N, ...) and targets contiguous (N, ...), got "
                    + x.dtype() + (x.isContiguous() ? "" : " (not contiguous)"));
        }
        if (!augmentation.isNone() && x.rank() != 4) throw new IllegalArgumentException("DataLoader: augmentation needs images (N, H, W, C)");
        this.x = x;
        this.y = y;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.augmentation = augmentation;
        this.byteScale = (float) byteScale;
        this.byteOffset = (float) byteOffset;
        long[] s = x.shape();
        h = x.rank() == 4 ? (int) s[1] : 1;
        w = x.rank() == 4 ? (int) s[2] : 1;
        c = x.rank() == 4 ? (int) s[3] : 1;
        exampleElements = x.numel() / Math.max(1, s[0]);
        targetElements = y.numel() / Math.max(1, y.dim(0));
        long[] bx = s.clone(), by = y.shape();
        bx[0] = batchSize;
        by[0] = batchSize;
        for (int i = 0; i < 2; i++) {
            images[i] = MemoryScope.move(Tensor.empty(DType.F32, bx), MemoryScope.current());
            labels[i] = MemoryScope.move(Tensor.empty(y.dtype(), by), MemoryScope.current());
        }
    }

    /** {@return the number of batches in one epoch, ceil(N / batchSize)} */
    public int steps() {
        return (int) ((x.dim(0) + batchSize - 1) / batchSize);
    }

    /**
     * The batches of epoch {@code epoch}, prepared one ahead on a background thread.
     *
     * @param epoch the epoch number, which with the seed picks the shuffle and augmentations
     * @return the epoch's batches, to iterate once
     */
    public Iterable<Batch> epoch(int epoch) {
        int n = (int) x.dim(0);
        int[] order = shuffle ? new Rng(seed * 1_000_003L + epoch).permutation(n) : java.util.stream.IntStream.range(0, n).toArray();
        return batches(order, epoch);
    }

    /**
     * The batches that visit the examples in {@code order}: a permutation of 0..N-1, or a part of one (one process's
     * share of an epoch in data-parallel training), {@code ceil(order.length / batchSize)} batches.
     *
     * @param order the example indices to visit, in order, each below N
     * @param epoch the epoch number, which with the seed picks the augmentations
     * @return the batches, to iterate once
     * @throws IllegalArgumentException when {@code order} is longer than the data set
     */
    public Iterable<Batch> batches(int[] order, int epoch) {
        int n = order.length;
        if (n > x.dim(0)) throw new IllegalArgumentException("DataLoader: order has " + n + " entries for " + x.dim(0) + " examples");
        int steps = (n + batchSize - 1) / batchSize;
        return () -> new Iterator<>() {
            // The producer fills slot k and hands it over; the consumer returns it after use. Two slots: one
            // in use by the model, one being filled.
            private final BlockingQueue<Integer> ready = new ArrayBlockingQueue<>(2), free = new ArrayBlockingQueue<>(2);
            private final Thread producer;
            private int taken;
            private int current = -1;
            private volatile RuntimeException failure;

            {
                free.add(0);
                free.add(1);
                producer = Thread.ofPlatform().daemon().name("panamax-prefetch").start(this::produce);
            }

            private void produce() {
                try {
                    boolean bytes = x.dtype() == DType.U8;
                    int per = (int) exampleElements;
                    float[] src = new float[per], dst = new float[per];
                    byte[] raw = bytes ? new byte[per] : null;
                    MemorySegment imgs = x.segment(), labs = y.segment();
                    int tw = y.dtype().byteSize();
                    for (int step = 0; step < steps; step++) {
                        int slot = free.take();
                        MemorySegment bx = images[slot].segment(), by = labels[slot].segment();
                        int from = step * batchSize, count = Math.min(batchSize, n - from);
                        for (int i = 0; i < count; i++) {
                            long ex = order[from + i];
                            long first = x.offset() + ex * exampleElements;
                            if (!bytes && augmentation.isNone()) {
                                MemorySegment.copy(imgs, first * 4, bx, i * exampleElements * 4, exampleElements * 4);
                            } else {
                                if (bytes) {
                                    MemorySegment.copy(imgs, ValueLayout.JAVA_BYTE, first, raw, 0, per);
                                    for (int k = 0; k < per; k++) src[k] = (raw[k] & 0xFF) * byteScale + byteOffset;
                                } else {
                                    MemorySegment.copy(imgs, ValueLayout.JAVA_FLOAT, first * 4, src, 0, per);
                                }
                                float[] out = src;
                                if (!augmentation.isNone()) {
                                    augmentation.apply(src, dst, h, w, c, new Rng(seed ^ (epoch * 0x9E3779B97F4A7C15L) ^ ex));
                                    out = dst;
                                }
                                MemorySegment.copy(out, 0, bx, ValueLayout.JAVA_FLOAT, i * exampleElements * 4, per);
                            }
                            MemorySegment.copy(labs, (y.offset() + ex * targetElements) * tw, by, i * targetElements * tw, targetElements * tw);
                        }
                        ready.put(slot * 100_000 + count);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failure = e;
                    ready.offer(-1);
                }
            }

            @Override
            public boolean hasNext() {
                return taken < steps;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                try {
                    if (current >= 0) free.put(current);
                    int msg = ready.take();
                    if (msg < 0) throw new IllegalStateException("data loader failed: " + failure.getMessage(), failure);
                    current = msg / 100_000;
                    int count = msg % 100_000;
                    taken++;
                    if (taken == steps) producer.join();
                    return new Batch(images[current].slice(0, 0, count), labels[current].slice(0, 0, count), count);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch", e);
                }
            }
        };
    }

    @Override
    public void close() {
        for (int i = 0; i < 2; i++) {
            images[i].close();
            labels[i].close();
        }
    }
}
