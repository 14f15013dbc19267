package dev.panamax.tensors;

import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.kernels.conv.ConvEngine;
import java.lang.foreign.MemorySegment;

/**
 * {@link Backend#conv2d} on host memory: tensors in, the blocked {@link ConvEngine} on their segments, with the
 * backend's own GEMM (so OpenBLAS serves large blocks when the backend routes there) and scratch from the
 * caller's scope.
 */
final class HostConv {
    private HostConv() {}

    /** The backend's GEMM in the engine's precision ({@code width} 4: F32, 8: F64). */
    private static ConvEngine.BlockGemm gemm(Backend b, int width) {
        if (width == 8) {
            return (ta, tb, m, n, k, a, aOff, lda, bm, bOff, ldb, acc, c, cOff, ldc) ->
                    b.dgemm(ta, tb, (int) m, (int) n, (int) k, 1.0, a, aOff, lda, bm, bOff, ldb, acc ? 1.0 : 0.0, c, cOff, ldc);
        }
        return (ta, tb, m, n, k, a, aOff, lda, bm, bOff, ldb, acc, c, cOff, ldc) ->
                b.sgemm(ta, tb, (int) m, (int) n, (int) k, 1f, a, aOff, lda, bm, bOff, ldb, acc ? 1f : 0f, c, cOff, ldc);
    }

    static Tensor[] forward(Backend b, Conv2dShape s, Tensor x, Tensor kernel, Tensor bias, boolean relu, Conv2dShape pool,
                            boolean argmax) {
        DType t = x.dtype();
        int width = t.byteSize();
        Tensor y = pool == null ? Tensor.empty(t, s.n(), s.oh(), s.ow(), s.f()) : Tensor.empty(t, s.n(), pool.oh(), pool.ow(), s.f());
        Tensor arg = pool == null || !argmax ? null : Tensor.empty(DType.I32, y.shape());
        try (Tensor xc = x.contiguous(); Tensor kc = kernel.contiguous(); Tensor bc = bias == null ? null : bias.contiguous();
             Tensor scratch = Tensor.empty(t, Math.max(1, ConvEngine.forwardScratch(s, width, pool)))) {
            ConvEngine.forward(s, width, pool, relu, gemm(b, width), y.segment(), 0, arg == null ? null : arg.segment(), 0,
                    xc.segment(), xc.offset(), kc.segment(), kc.offset(), bc == null ? null : bc.segment(), bc == null ? 0 : bc.offset(),
                    scratch.segment());
        } catch (RuntimeException e) {
            y.close();
            if (arg != null) arg.close();
            throw e;
        }
        return new Tensor[] {y, arg};
    }

    static Tensor[] backward(Backend b, Conv2dShape s, Tensor g, Tensor x, Tensor kernel, Tensor y, Tensor argmax, boolean relu,
                             boolean hasBias, Conv2dShape pool, boolean wantDx, boolean wantDk, boolean wantDb) {
        DType t = x.dtype();
        int width = t.byteSize();
        Tensor dx = wantDx ? Tensor.empty(t, x.shape()) : null;
        Tensor dk = wantDk ? Tensor.empty(t, kernel.shape()) : null;
        Tensor db = wantDb ? Tensor.empty(t, s.f()) : null;
        try (Tensor gc = g.contiguous(); Tensor xc = x.contiguous(); Tensor kc = kernel.contiguous();
             Tensor scratch = Tensor.empty(t, Math.max(1, ConvEngine.backwardScratch(s, width, pool, relu)));
             Tensor partials = Tensor.empty(t, wantDk ? Math.max(1, ConvEngine.partialsScratch(s, width, pool)) : 1)) {
            ConvEngine.backward(s, width, pool, relu, hasBias, gemm(b, width), seg(dx), 0, seg(dk), 0, seg(db), 0,
                    gc.segment(), gc.offset(), xc.segment(), xc.offset(), kc.segment(), kc.offset(),
                    seg(y), y == null ? 0 : y.offset(), seg(argmax), argmax == null ? 0 : argmax.offset(),
                    scratch.segment(), partials.segment());
        } catch (RuntimeException e) {
            for (Tensor d : new Tensor[] {dx, dk, db}) if (d != null) d.close();
            throw e;
        }
        return new Tensor[] {dx, dk, db};
    }

    /** The engine's input-gradient pass alone (no weight gradient, so the convolution's input is never read). */
    static Tensor transpose(Backend b, Conv2dShape s, Tensor x, Tensor kernel) {
        DType t = x.dtype();
        int width = t.byteSize();
        Tensor y = Tensor.empty(t, s.n(), s.h(), s.w(), s.c());
        try (Tensor xc = x.contiguous(); Tensor kc = kernel.contiguous();
             Tensor scratch = Tensor.empty(t, Math.max(1, ConvEngine.backwardScratch(s, width, null, false)))) {
            ConvEngine.backward(s, width, null, false, false, gemm(b, width), y.segment(), 0, null, 0, null, 0,
                    xc.segment(), xc.offset(), null, 0, kc.segment(), kc.offset(), null, 0, null, 0, scratch.segment(), null);
        } catch (RuntimeException e) {
            y.close();
            throw e;
        }
        return y;
    }

    private static MemorySegment seg(Tensor t) {
        return t == null ? null : t.segment();
    }
}
