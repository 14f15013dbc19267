package dev.panamax.nn;

import dev.panamax.autodiff.Padding;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Rng;
import java.util.Locale;

/** Max (or, with {@code average}, mean) over {@code pool × pool} windows; strides default to the pool size. */
public final class MaxPooling2D extends Layer {
    private final int pool, stride;
    private final Padding padding;
    private final boolean average;

    /**
     * Max pooling over {@code pool × pool} windows, stride {@code pool}, 'valid' padding.
     *
     * @param pool the window's height and width, positive
     * @throws IllegalArgumentException when {@code pool} is not positive
     */
    public MaxPooling2D(int pool) {
        this(pool, pool, "valid", false);
    }

    /**
     * Max or average pooling with every option.
     *
     * @param pool    the window's height and width, positive
     * @param stride  the step between windows, positive
     * @param padding "valid" or "same" (any case)
     * @param average average pooling (Keras' AveragePooling2D) when true, max when false
     * @throws IllegalArgumentException when a size is not positive or the padding is neither
     */
    public MaxPooling2D(int pool, int stride, String padding, boolean average) {
        super(average ? "average_pooling2d" : "max_pooling2d");
        if (pool <= 0 || stride <= 0) throw new IllegalArgumentException("pooling: size and stride must be positive");
        this.pool = pool;
        this.stride = stride;
        this.padding = Padding.of(padding);
        this.average = average;
    }

    /** The convolution of {@code x} by {@code kernel} (no bias), pooled by this layer in the same op (see {@link Conv2D#convolveAndPool}). */
    Var pooledConvolution(Var x, Var kernel, int[] strides, int[] dilation, Padding convPadding) {
        if (average) throw new IllegalStateException("average pooling has no fused convolution stage");
        return F.conv2dMaxPool(x, kernel, strides, dilation, convPadding, new int[] {pool, pool}, new int[] {stride, stride}, padding);
    }

    /** {@return true for max pooling, false for average pooling} */
    public boolean isMax() {
        return !average;
    }

    @Override
    public String type() {
        return average ? "AveragePooling2D" : "MaxPooling2D";
    }

    /**
     * The window's geometry (padding, output size) over one input of shape {@code (H, W, C)}: what an exporter writes.
     *
     * @param in one example's shape (H, W, C)
     * @return the geometry for a batch of one
     */
    public Conv2dShape geometry(long[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException(name() + ": pooling expects (height, width, channels) input, got " + java.util.Arrays.toString(in));
        }
        return Conv2dShape.of(1, (int) in[0], (int) in[1], (int) in[2], pool, pool, 0, stride, stride, 1, 1, padding.geometry());
    }

    @Override
    public long[] outputShape(long[] in) {
        Conv2dShape s = geometry(in);
        return new long[] {s.oh(), s.ow(), in[2]};
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        int[] size = {pool, pool}, strides = {stride, stride};
        return average ? F.avgPool2d(x, size, strides, padding) : F.maxPool2d(x, size, strides, padding);
    }

    @Override
    public String configJson() {
        return "{\"pool_size\": " + pool + ", \"strides\": " + stride + ", \"padding\": \"" + padding.name().toLowerCase(Locale.ROOT)
                + "\", \"average\": " + average + "}";
    }
}
