package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * Transposed 2-D convolution {@code x (N, H, W, C) → (N, OH, OW, F)} with {@code kernel (KH, KW, F, C)} (Keras'
 * Conv2DTranspose layout): each input pixel scatters the kernel, scaled by its value, into the output, {@code stride}
 * pixels apart. It is the adjoint of the convolution {@code (N, OH, OW, F) → (N, H, W, C)} with the same kernel and
 * padding, so that convolution's backward passes run it both ways. Sizes as Keras defines them: 'valid'
 * {@code OH = H·s + max(K - s, 0)}, 'same' {@code OH = H·s}, the 'same' crop TensorFlow's (the extra row at the
 * bottom). F32 and F64.
 * <pre>
 * saves: x, kernel
 * dx = conv2d(g, kernel), dkernel = patches(g)ᵀ·x (the adjoint convolution's weight gradient with x as its upstream)
 * </pre>
 */
public final class Conv2dTranspose extends Function {
    private final Window window;

    public Conv2dTranspose(int kh, int kw, int sh, int sw, Conv2dShape.Padding padding) {
        this.window = new Window(kh, kw, sh, sw, 1, 1, padding);
    }

    /** The output size along one axis, as Keras defines it. */
    public static int outputSize(int in, int k, int stride, Conv2dShape.Padding padding) {
        return padding == Conv2dShape.Padding.SAME ? in * stride : in * stride + Math.max(k - stride, 0);
    }

    /** The geometry of the adjoint convolution: from the (N, OH, OW, F) output back to the (N, H, W, C) input. */
    private Conv2dShape geometry(long[] x, long[] k) {
        if (x.length != 4 || k.length != 4 || k[0] != window.kh() || k[1] != window.kw() || k[3] != x[3]) {
            throw new IllegalArgumentException("conv2d_transpose: input must be (N, H, W, C) and kernel (" + window.kh() + ", "
                    + window.kw() + ", F, C) with the input's C, got " + Arrays.toString(x) + " and " + Arrays.toString(k));
        }
        int oh = outputSize((int) x[1], window.kh(), window.sh(), window.padding());
        int ow = outputSize((int) x[2], window.kw(), window.sw(), window.padding());
        Conv2dShape s = window.over(new long[] {x[0], oh, ow, k[2]}, (int) x[3], "conv2d_transpose");
        if (s.oh() != x[1] || s.ow() != x[2]) {  // guards the size rule above; cannot happen for these formulas
            throw new IllegalStateException("conv2d_transpose: adjoint geometry " + s + " does not map back to " + Arrays.toString(x));
        }
        return s;
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], k = in[1];
        if (in.length != 2) throw new IllegalArgumentException("conv2d_transpose: takes (input, kernel), got " + in.length + " inputs");
        if (!x.dtype().isFloating() || x.dtype() != k.dtype()) {
            throw new IllegalArgumentException("conv2d_transpose: input and kernel must both be F32 or both F64, got " + x.dtype() + ", " + k.dtype());
        }
        Conv2dShape s = geometry(x.shape(), k.shape());
        ctx.save(x, k);
        return new Tensor[] {Backend.of(x).conv2dTranspose(s, x, k)};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0), k = ctx.saved(1);
        Conv2dShape s = geometry(x.shape(), k.shape());
        Backend b = Backend.of(x);
        Tensor dx = ctx.needsInputGrad(0) ? b.conv2d(s, g[0], k, null, false, null)[0] : null;
        Tensor dk = ctx.needsInputGrad(1)
                ? b.conv2dBackward(s, x, g[0], k, null, null, false, false, null, false, true, false)[1] : null;
        return new Tensor[] {dx, dk};
    }
}
