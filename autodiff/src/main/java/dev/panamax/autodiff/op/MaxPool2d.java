package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.kernels.conv.Conv2dShape;
import dev.panamax.kernels.conv.Pool2d;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;

/**
 * Max pooling over NHWC input that remembers where each maximum came from, so backward routes each output
 * gradient to exactly that input (the first of equal maxima, as PyTorch does). F32 runs the
 * {@link Pool2d} kernels; F64 (gradient checks) takes the same steps with tensor ops. Windows hanging over
 * the edge ('same' padding) never pick the padding.
 */
public final class MaxPool2d extends Function {
    private final Window window;

    public MaxPool2d(int kh, int kw, int sh, int sw, Conv2dShape.Padding padding) {
        this.window = new Window(kh, kw, sh, sw, 1, 1, padding);
    }

    private Conv2dShape geometry(long[] x) {
        return window.over(x, 0, "max pooling");
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Conv2dShape s = geometry(in[0].shape());
        Tensor y, arg;
        try (Tensor x = in[0].contiguous()) {
            if (x.dtype() == DType.F32) {
                y = Tensor.empty(DType.F32, s.n(), s.oh(), s.ow(), s.c());
                arg = Tensor.empty(DType.I32, s.n(), s.oh(), s.ow(), s.c());
                Pool2d.maxForward(s, x.segment(), x.offset(), y.segment(), 0, arg.segment(), 0);
            } else {
                try (Tensor cols = unfold(s, x); Tensor win = cols.reshape(s.patches(), (long) s.kh() * s.kw(), s.c());
                     Tensor best = win.max(new int[] {1}, false); Tensor tap = win.argmax(1, false)) {
                    y = best.reshape(s.n(), s.oh(), s.ow(), s.c());
                    arg = tap.reshape(s.n(), s.oh(), s.ow(), s.c());  // winning tap (ky·kw + kx) per output
                }
            }
        }
        ctx.save(arg);
        arg.close();
        return new Tensor[] {y};
    }

    private static Tensor unfold(Conv2dShape s, Tensor x) {
        Tensor cols = Tensor.empty(x.dtype(), s.patches(), s.patchSize());
        dev.panamax.kernels.conv.Im2col.im2col(s, x.dtype().byteSize(), Double.NEGATIVE_INFINITY, x.segment(), x.offset(),
                cols.segment(), 0);
        return cols;
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        long[] shape = ctx.inputShape(0);
        Conv2dShape s = geometry(shape);
        Tensor arg = ctx.saved(0);
        Tensor dx = Tensor.empty(g[0].dtype(), shape);
        try (Tensor gc = g[0].contiguous()) {
            if (g[0].dtype() == DType.F32) {
                Pool2d.maxBackward(s, gc.segment(), gc.offset(), arg.segment(), arg.offset(), dx.segment(), 0);
                return new Tensor[] {dx};
            }
            // F64: put each gradient on its winning tap, then fold the windows back onto the input.
            long taps = (long) s.kh() * s.kw(), c = s.c();
            double[] gv = gc.toDoubleArray();
            long[] tap = arg.toLongArray();
            double[] dcols = new double[(int) (s.patches() * taps * c)];
            for (int o = 0; o < gv.length; o++) {
                long p = o / c, ch = o % c;
                dcols[(int) ((p * taps + tap[o]) * c + ch)] += gv[o];
            }
            try (Tensor d = Tensor.of(dcols, s.patches(), taps * c)) {
                dev.panamax.kernels.conv.Im2col.col2im(s, true, d.segment(), 0, dx.segment(), 0);
            }
            return new Tensor[] {dx};
        }
    }
}
