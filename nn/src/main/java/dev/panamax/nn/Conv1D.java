package dev.panamax.nn;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.Rng;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * 1-D convolution over time, {@code (T, C) → (T', filters)}: kernel {@code (K, C, filters)} Glorot-uniform, bias
 * zeros, as in Keras. {@code padding} "causal" (WaveNet: output t sees only inputs up to t, {@code T' = T}) or
 * "valid"; {@code dilation} spaces the taps, so a stack with dilations 1, 2, 4, … sees exponentially far back.
 */
public final class Conv1D extends Layer {
    private final int filters, kernelSize, dilation;
    private final boolean causal;
    private final String activation;
    private final UnaryOperator<Var> act;

    /**
     * A 1-D convolution layer over (T, C) inputs.
     *
     * @param filters    output channels F, positive
     * @param kernelSize taps K, positive
     * @param dilation   steps between taps, positive
     * @param padding    "causal" or "valid"
     * @param activation an activation name (see {@link Activations}); null or "linear" for none
     * @throws IllegalArgumentException when a size is not positive, the padding is neither, or the activation is
     *                                  unknown
     */
    public Conv1D(int filters, int kernelSize, int dilation, String padding, String activation) {
        super("conv1d");
        if (filters <= 0 || kernelSize <= 0 || dilation <= 0) {
            throw new IllegalArgumentException("Conv1D: filters, kernel size and dilation must be positive, got " + filters + ", " + kernelSize
                    + ", " + dilation);
        }
        if (!"causal".equals(padding) && !"valid".equals(padding)) {
            throw new IllegalArgumentException("Conv1D: padding must be 'causal' or 'valid', got '" + padding + "'");
        }
        this.filters = filters;
        this.kernelSize = kernelSize;
        this.dilation = dilation;
        this.causal = "causal".equals(padding);
        this.activation = activation == null ? "linear" : activation;
        this.act = Activations.byName(this.activation);
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 2) throw new IllegalArgumentException(name() + ": expects (time, channels) inputs, got " + Arrays.toString(in));
        long t = causal ? in[0] : in[0] - (long) (kernelSize - 1) * dilation;
        if (t < 1) {
            throw new IllegalArgumentException(name() + ": " + in[0] + " steps are fewer than the kernel's reach of "
                    + ((kernelSize - 1) * dilation + 1) + "; use causal padding or a shorter kernel");
        }
        return new long[] {t, filters};
    }

    @Override
    protected void createParams(long[] in, Rng rng) {
        long c = in[1], fanIn = kernelSize * c, fanOut = (long) kernelSize * filters;
        params.add(Var.param(Initializers.create(kernelInit, rng, fanIn, fanOut, kernelSize, c, filters)));
        params.add(Var.param(Initializers.create(biasInit, rng, fanIn, fanOut, filters)));
    }

    @Override
    public Var forward(Var x, boolean training, Rng rng) {
        return act.apply(F.biasAdd(F.conv1d(x, params.get(0), dilation, causal), params.get(1)));
    }

    @Override
    public String configJson() {
        return "{\"filters\": " + filters + ", \"kernel_size\": " + kernelSize + ", \"dilation_rate\": " + dilation + ", \"padding\": \""
                + (causal ? "causal" : "valid") + "\", \"activation\": \"" + activation + "\"}";
    }
}
