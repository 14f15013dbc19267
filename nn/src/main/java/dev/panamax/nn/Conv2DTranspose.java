package dev.panamax.nn;

import dev.panamax.autodiff.Padding;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.op.Conv2dTranspose;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Rng;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Transposed convolution over NHWC input (Keras' Conv2DTranspose): kernel {@code (KH, KW, filters, C)}, output
 * {@code H·stride} rows with 'same' padding, {@code H·stride + max(KH - stride, 0)} with 'valid'; an optional bias
 * per filter (off before a BatchNormalization, which would cancel it).
 */
public final class Conv2DTranspose extends Layer {
    private final int filters, kh, kw, stride;
    private final Padding padding;
    private final boolean useBias;
    private final String activation;
    private final UnaryOperator<Var> act;

    /**
     * A square-kernel transposed convolution with a bias and no activation.
     *
     * @param filters    output channels F, positive
     * @param kernelSize the kernel's height and width, positive
     * @param stride     the upsampling step, positive
     * @param padding    "same" or "valid"
     * @throws IllegalArgumentException when a size is not positive or the padding is neither
     */
    public Conv2DTranspose(int filters, int kernelSize, int stride, String padding) {
        this(filters, kernelSize, kernelSize, stride, padding, true, "linear");
    }

    /**
     * A transposed convolution with every option.
     *
     * @param filters    output channels F, positive
     * @param kh         kernel height, positive
     * @param kw         kernel width, positive
     * @param stride     the upsampling step in both directions, positive
     * @param padding    "same" or "valid" (any case)
     * @param useBias    whether to add a bias per filter
     * @param activation an activation name (see {@link Activations}); null or "linear" for none
     * @throws IllegalArgumentException when a size is not positive, the padding is neither, or the activation is
     *                                  unknown
     */
    public Conv2DTranspose(int filters, int kh, int kw, int stride, String padding, boolean useBias, String activation) {
        super("conv2d_transpose");
        if (filters <= 0 || kh <= 0 || kw <= 0 || stride <= 0) {
            throw new IllegalArgumentException("Conv2DTranspose: filters, kernel size and stride must be positive");
        }
        this.filters = filters;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.padding = switch (padding.toLowerCase(Locale.ROOT)) {
            case "same" -> Padding.SAME;
            case "valid" -> Padding.VALID;
            default -> throw new IllegalArgumentException("Conv2DTranspose: padding must be 'same' or 'valid', got '" + padding + "'");
        };
        this.useBias = useBias;
        this.activation = activation == null ? "linear" : activation;
        this.act = Activations.byName(this.activation);
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException(name() + ": Conv2DTranspose expects (height, width, channels) input, got "
                    + Arrays.toString(in) + "; add a Reshape before it");
        }
        Conv2dShape.Padding p = padding.geometry();
        return new long[] {Conv2dTranspose.outputSize((int) in[0], kh, stride, p), Conv2dTranspose.outputSize((int) in[1], kw, stride, p), filters};
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        long c = in[2];
        // Keras' fans for this kernel shape: the receptive field times its last two axes.
        params.add(Var.param(Initializers.create(kernelInit, rng, (long) kh * kw * filters, kh * kw * c, kh, kw, filters, c)));
        if (useBias) params.add(Var.param(Initializers.create(biasInit, rng, 0, 0, filters)));
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        Var y = F.conv2dTranspose(x, params.get(0), new int[] {stride, stride}, padding);
        return act.apply(useBias ? F.biasAdd(y, params.get(1)) : y);
    }

    @Override
    public String configJson() {
        return String.format(Locale.ROOT, "{\"filters\": %d, \"kernel_size\": [%d, %d], \"strides\": %d, \"padding\": \"%s\", "
                + "\"use_bias\": %b, \"activation\": \"%s\", \"kernel_initializer\": \"%s\", \"bias_initializer\": \"%s\"}",
                filters, kh, kw, stride, padding.name().toLowerCase(Locale.ROOT), useBias, activation, kernelInit, biasInit);
    }
}
