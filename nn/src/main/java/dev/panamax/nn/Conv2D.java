package dev.panamax.nn;

import dev.panamax.autodiff.Padding;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Rng;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** 2-D convolution over NHWC input (Keras' default layout) with a (KH, KW, C, F) kernel and a bias per filter. */
public final class Conv2D extends Layer {
    private final int filters, kh, kw, stride, dilation;
    private final Padding padding;
    private final String activation;
    private final UnaryOperator<Var> act;

    /**
     * A square-kernel convolution, stride 1, 'valid' padding, no dilation.
     *
     * @param filters    output channels F, positive
     * @param kernelSize the kernel's height and width, positive
     * @param activation an activation name (see {@link Activations}); null or "linear" for none
     * @throws IllegalArgumentException when a size is not positive or the activation is unknown
     */
    public Conv2D(int filters, int kernelSize, String activation) {
        this(filters, kernelSize, kernelSize, 1, "valid", 1, activation);
    }

    /**
     * A convolution with every option.
     *
     * @param filters    output channels F, positive
     * @param kh         kernel height, positive
     * @param kw         kernel width, positive
     * @param stride     the step in both directions, positive
     * @param padding    "valid" or "same" (any case)
     * @param dilation   the spacing of kernel taps, positive; 1 is dense
     * @param activation an activation name (see {@link Activations}); null or "linear" for none
     * @throws IllegalArgumentException when a size is not positive, the padding is neither, or the activation is
     *                                  unknown
     */
    public Conv2D(int filters, int kh, int kw, int stride, String padding, int dilation, String activation) {
        super("conv2d");
        if (filters <= 0 || kh <= 0 || kw <= 0 || stride <= 0 || dilation <= 0) {
            throw new IllegalArgumentException("Conv2D: filters, kernel size, stride and dilation must be positive");
        }
        this.filters = filters;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.dilation = dilation;
        this.padding = Padding.of(padding);
        this.activation = activation == null ? "linear" : activation;
        this.act = Activations.byName(this.activation);
    }

    /**
     * The convolution's geometry (padding, output size) over one input of shape {@code (H, W, C)}: what an exporter writes.
     *
     * @param in one example's shape (H, W, C)
     * @return the geometry for a batch of one
     */
    public Conv2dShape geometry(long[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException(name() + ": Conv2D expects (height, width, channels) input, got "
                    + java.util.Arrays.toString(in) + "; reshape images to (H, W, C)");
        }
        return Conv2dShape.of(1, (int) in[0], (int) in[1], (int) in[2], kh, kw, filters, stride, stride, dilation, dilation, padding.geometry());
    }

    @Override
    public long[] outputShape(long[] in) {
        Conv2dShape s = geometry(in);
        return new long[] {s.oh(), s.ow(), filters};
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        long c = in[2];
        params.add(Var.param(Initializers.create(kernelInit, rng, kh * kw * c, (long) kh * kw * filters, kh, kw, c, filters)));
        params.add(Var.param(Initializers.create(biasInit, rng, 0, 0, filters)));
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        // Bias and ReLU run inside the convolution, block by block (see F.conv2dBiasAct); other activations after it.
        boolean relu = activation.equalsIgnoreCase("relu");
        Var y = F.conv2dBiasAct(x, params.get(0), params.get(1), new int[] {stride, stride}, new int[] {dilation, dilation}, padding, relu);
        return relu ? y : act.apply(y);
    }

    /**
     * The convolution (without bias) followed by {@code pool}, in one op that pools each block while it is in cache.
     *
     * @param x    the input (N, H, W, C)
     * @param pool a max-pooling layer (not average)
     * @return the pooled convolution (N, PH, PW, F), without bias or activation
     */
    public Var convolveAndPool(Var x, MaxPooling2D pool) {
        return pool.pooledConvolution(x, params.get(0), new int[] {stride, stride}, new int[] {dilation, dilation}, padding);
    }

    /** {@return the bias (F), one value per filter; the layer must be built} */
    public Var bias() {
        return params.get(1);
    }

    /** {@return the activation's name ("linear" when none was given)} */
    public String activation() {
        return activation;
    }

    @Override
    public String configJson() {
        return String.format(Locale.ROOT, "{\"filters\": %d, \"kernel_size\": [%d, %d], \"strides\": %d, \"padding\": \"%s\", "
                + "\"dilation_rate\": %d, \"activation\": \"%s\", \"kernel_initializer\": \"%s\", \"bias_initializer\": \"%s\"}",
                filters, kh, kw, stride, padding.name().toLowerCase(Locale.ROOT), dilation, activation, kernelInit, biasInit);
    }
}
