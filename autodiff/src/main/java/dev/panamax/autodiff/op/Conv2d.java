package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.Modes;
import dev.panamax.autodiff.Padding;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * 2-D convolution {@code x (N, H, W, C) ⊛ kernel (KH, KW, C, F) → (N, OH, OW, F)}, in three modes: alone; with a
 * third input {@code bias (F)} followed by {@code + bias} and, when {@code relu}, {@code max(·, 0)}; or followed by
 * {@link MaxPool max pooling}. The backend runs each mode as one blocked pass (see {@code kernels.conv.ConvEngine}),
 * so the epilogue and the pooling happen while each block is in cache. F32 and F64.
 * <pre>
 * saves: x, kernel; the output y (ReLU mode, its mask); argmax (pooling mode)
 * dx = g ⋆ kernelᵀ (col2im), dkernel = patches(x)ᵀ·g, dbias = Σ g (after the ReLU mask or pooling routing)
 * </pre>
 */
@Modes({"Conv2d", "Conv2dBiasRelu", "Conv2dMaxPool"})
public final class Conv2d extends Function {
    private final Window window;
    private final boolean relu;
    private final MaxPool pool;

    /** Max pooling applied to the convolution's output: window, strides, padding. */
    public record MaxPool(int kh, int kw, int sh, int sw, Padding padding) {
        /** The pooling geometry over {@code n} images of a convolution's output. */
        Conv2dShape over(Conv2dShape conv, int n) {
            return Conv2dShape.of(n, conv.oh(), conv.ow(), conv.f(), kh, kw, 0, sh, sw, 1, 1, padding.geometry());
        }
    }

    /** Convolution alone: inputs {@code (x, kernel)}. */
    public Conv2d(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding) {
        this(kh, kw, sh, sw, dh, dw, padding, false);
    }

    /** Convolution then max pooling, in one pass over each block: inputs {@code (x, kernel)}. */
    public Conv2d(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding, MaxPool pool) {
        this(kh, kw, sh, sw, dh, dw, padding, false, Objects.requireNonNull(pool, "pool"));
    }

    /**
     * Convolution; given a third input {@code bias (F)}, followed by {@code + bias} and, when {@code relu},
     * {@code max(·, 0)}.
     */
    public Conv2d(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding, boolean relu) {
        this(kh, kw, sh, sw, dh, dw, padding, relu, null);
    }

    private Conv2d(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding, boolean relu, MaxPool pool) {
        this.pool = pool;
        this.relu = relu;
        this.window = new Window(kh, kw, sh, sw, dh, dw, padding);
    }

    private Conv2dShape geometry(long[] x, long[] k) {
        if (x.length == 4 && (k.length != 4 || k[0] != window.kh() || k[1] != window.kw() || k[2] != x[3])) {
            throw new IllegalArgumentException("conv2d: kernel must be (" + window.kh() + ", " + window.kw() + ", C, F) with C = " + x[3]
                    + " input channels, got " + Arrays.toString(k));
        }
        return window.over(x, k.length == 4 ? (int) k[3] : 0, "conv2d");
    }

    @Override
    public String name() {
        return pool != null ? "Conv2dMaxPool" : relu ? "Conv2dBiasRelu" : "Conv2d";
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], k = in[1], bias = in.length > 2 ? in[2] : null;
        if (in.length > 3 || relu && bias == null || pool != null && bias != null) {
            throw new IllegalArgumentException(name() + ": takes (input, kernel[, bias]); ReLU needs the bias; pooling takes none");
        }
        if (!x.dtype().isFloating() || x.dtype() != k.dtype() || bias != null && bias.dtype() != x.dtype()) {
            throw new IllegalArgumentException("conv2d: input, kernel and bias must all be F32 or all F64, got " + x.dtype() + ", "
                    + k.dtype() + (bias == null ? "" : ", " + bias.dtype()));
        }
        Conv2dShape s = geometry(x.shape(), k.shape());
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != s.f())) {
            throw new IllegalArgumentException("conv2d: bias must have one value per filter (" + s.f() + "), got " + Arrays.toString(bias.shape()));
        }
        Tensor[] out = Backend.of(x).conv2d(s, x, k, bias, relu, pool == null ? null : pool.over(s, s.n()), ctx.recording());
        Tensor y = out[0], arg = out[1];
        if (relu) ctx.save(x, k, y);
        else if (arg != null) ctx.save(x, k, arg);
        else ctx.save(x, k);
        if (arg != null) arg.close();  // the context holds its own view
        return new Tensor[] {y};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0), k = ctx.saved(1), y = relu ? ctx.saved(2) : null, arg = pool != null ? ctx.saved(2) : null;
        Conv2dShape s = geometry(x.shape(), k.shape());
        boolean hasBias = ctx.inputCount() > 2;
        Tensor[] d = Backend.of(x).conv2dBackward(s, g[0], x, k, y, arg, relu, hasBias, pool == null ? null : pool.over(s, s.n()),
                ctx.needsInputGrad(0), ctx.needsInputGrad(1), hasBias && ctx.needsInputGrad(2));
        return hasBias ? d : new Tensor[] {d[0], d[1]};
    }
}
