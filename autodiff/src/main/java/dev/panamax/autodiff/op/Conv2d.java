package dev.panamax.autodiff.op;

import dev.panamax.autodiff.Ctx;
import dev.panamax.autodiff.Function;
import dev.panamax.kernels.BinaryOp;
import dev.panamax.kernels.Elementwise;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.conv.Conv2dShape;
import dev.panamax.kernels.conv.Im2col;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.backend.CpuBackend;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * 2-D convolution {@code x (N, H, W, C) ⊛ kernel (KH, KW, C, F) → (N, OH, OW, F)}, computed a few images at a
 * time: each block's patch matrix is unfolded into a small per-thread buffer that stays in L2 and multiplied
 * there, instead of unfolding the whole batch into one matrix that lives in DRAM (17.8 MB for the MNIST CNN's
 * second layer at batch 128, written and read back once per pass). The cores take disjoint images, each running
 * its GEMMs single-threaded. Backward folds each block's patch gradient straight into its images (col2im) and
 * sums the weight gradient per thread, then across threads in a fixed order, so results do not depend on timing.
 * The patch matrix is not kept for backward; it is unfolded again, block by block. F32 and F64.
 * {@code -Dpanamax.conv.blockBytes} sets the patch buffer per thread (default 192 KB).
 */
public final class Conv2d extends Function {
    private static final long BLOCK_BYTES = Long.getLong("panamax.conv.blockBytes", 192 * 1024);

    private final int kh, kw, sh, sw, dh, dw;
    private final Conv2dShape.Padding padding;

    public Conv2d(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding) {
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.dh = dh;
        this.dw = dw;
        this.padding = padding;
    }

    private Conv2dShape geometry(long[] x, long[] k) {
        if (x.length != 4) throw new IllegalArgumentException("conv2d: input must be NHWC (N, H, W, C), got " + Arrays.toString(x));
        if (k.length != 4 || k[0] != kh || k[1] != kw || k[2] != x[3]) {
            throw new IllegalArgumentException("conv2d: kernel must be (" + kh + ", " + kw + ", C, F) with C = " + x[3]
                    + " input channels, got " + Arrays.toString(k));
        }
        return Conv2dShape.of((int) x[0], (int) x[1], (int) x[2], (int) x[3], kh, kw, (int) k[3], sh, sw, dh, dw, padding);
    }

    /** How the batch is cut: {@code parts} contiguous image ranges (one per thread), blocks of {@code images}. */
    private record Plan(Conv2dShape s, int width, int parts, int images) {
        static Plan of(Conv2dShape s, int width) {
            long perImage = (long) s.oh() * s.ow() * s.patchSize() * width;
            int images = (int) Math.max(1, Math.min(s.n(), BLOCK_BYTES / Math.max(1, perImage)));
            int parts = Math.max(1, Math.min(Parallel.THREADS, s.n()));
            return new Plan(s, width, parts, images);
        }

        long rowsPerImage() {
            return (long) s.oh() * s.ow();
        }

        /** Elements of one thread's patch buffer. */
        long bufferElements() {
            return images * rowsPerImage() * s.patchSize();
        }

        long imageElements() {
            return (long) s.h() * s.w() * s.c();
        }

        /** Runs {@code block(part, firstImage, imageCount)} over every block, each part on its own thread. */
        void forEachBlock(Block block) {
            Parallel.forRange(parts, 1, (p0, p1) -> {
                for (int p = (int) p0; p < p1; p++) {
                    int from = (int) ((long) s.n() * p / parts), to = (int) ((long) s.n() * (p + 1) / parts);
                    for (int b = from; b < to; b += images) block.run(p, b, Math.min(images, to - b));
                }
            });
        }

        /** The geometry of {@code count} images: the kernels take whole batches, so a block is a smaller batch. */
        Conv2dShape sub(int count) {
            return new Conv2dShape(count, s.h(), s.w(), s.c(), s.kh(), s.kw(), s.f(), s.sh(), s.sw(), s.dh(), s.dw(),
                    s.padTop(), s.padLeft(), s.oh(), s.ow());
        }
    }

    @FunctionalInterface
    private interface Block {
        void run(int part, int firstImage, int count);
    }

    @Override
    protected Tensor[] forward(Ctx ctx, Tensor... in) {
        Tensor x = in[0], k = in[1];
        if (!x.dtype().isFloating() || x.dtype() != k.dtype()) {
            throw new IllegalArgumentException("conv2d: input and kernel must both be F32 or both F64, got " + x.dtype() + " and " + k.dtype());
        }
        Conv2dShape s = geometry(x.shape(), k.shape());
        ctx.save(x, k);
        Plan plan = Plan.of(s, x.dtype().byteSize());
        int kk = s.patchSize(), f = s.f();
        Tensor y = Tensor.empty(x.dtype(), s.n(), s.oh(), s.ow(), f);
        try (Tensor xc = x.contiguous(); Tensor kc = k.contiguous();
             Tensor cols = Tensor.empty(x.dtype(), plan.parts() * plan.bufferElements())) {
            plan.forEachBlock((part, b, count) -> {
                long colsOff = part * plan.bufferElements(), rows = count * plan.rowsPerImage();
                Im2col.im2col(plan.sub(count), plan.width(), xc.segment(), xc.offset() + b * plan.imageElements(), cols.segment(), colsOff);
                gemm(x.dtype(), false, false, rows, f, kk, cols.segment(), colsOff, kk, kc.segment(), kc.offset(), f,
                        false, y.segment(), b * plan.rowsPerImage() * f, f);
            });
        }
        return new Tensor[] {y};
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0), k = ctx.saved(1);
        Conv2dShape s = geometry(x.shape(), k.shape());
        Plan plan = Plan.of(s, x.dtype().byteSize());
        int kk = s.patchSize(), f = s.f();
        boolean wantDx = ctx.needsInputGrad(0), wantDk = ctx.needsInputGrad(1);
        DType t = x.dtype();
        Tensor dx = wantDx ? Tensor.empty(t, x.shape()) : null;
        Tensor dk = wantDk ? Tensor.empty(t, k.shape()) : null;
        long kernelElements = (long) kk * f;
        try (Tensor gc = g[0].contiguous(); Tensor xc = x.contiguous(); Tensor kc = k.contiguous();
             Tensor buffers = Tensor.empty(t, plan.parts() * plan.bufferElements());
             Tensor partials = Tensor.empty(t, wantDk ? plan.parts() * kernelElements : 1)) {
            MemorySegment buf = buffers.segment(), part = partials.segment();
            boolean[] started = new boolean[plan.parts()];
            plan.forEachBlock((p, b, count) -> {
                long bufOff = p * plan.bufferElements(), rows = count * plan.rowsPerImage();
                long gOff = gc.offset() + b * plan.rowsPerImage() * f;
                Conv2dShape sub = plan.sub(count);
                if (wantDk) {  // dK_part += colsᵀ · g
                    Im2col.im2col(sub, plan.width(), xc.segment(), xc.offset() + b * plan.imageElements(), buf, bufOff);
                    gemm(t, true, false, kk, f, rows, buf, bufOff, kk, gc.segment(), gOff, f, started[p], part, p * kernelElements, f);
                    started[p] = true;
                }
                if (wantDx) {  // dcols = g · Kᵀ, folded into this block's images
                    gemm(t, false, true, rows, kk, f, gc.segment(), gOff, f, kc.segment(), kc.offset(), f, false, buf, bufOff, kk);
                    Im2col.col2im(sub, t == DType.F64, buf, bufOff, dx.segment(), b * plan.imageElements());
                }
            });
            if (wantDk && s.n() == 0) {
                dk.segment().fill((byte) 0);
            } else if (wantDk) {
                MemorySegment.copy(part, 0, dk.segment(), 0, kernelElements * plan.width());
                for (int p = 1; p < plan.parts(); p++) {
                    if (t == DType.F64) Elementwise.binaryF64(BinaryOp.ADD, dk.segment(), 0, dk.segment(), 0, part, p * kernelElements, kernelElements);
                    else Elementwise.binaryF32(BinaryOp.ADD, dk.segment(), 0, dk.segment(), 0, part, p * kernelElements, kernelElements);
                }
            }
        } catch (RuntimeException e) {
            if (dx != null) dx.close();
            if (dk != null) dk.close();
            throw e;
        }
        return new Tensor[] {dx, dk};
    }

    /** {@code C = op(A)·op(B) (+ C when accumulate)}, row-major, offsets in elements. */
    private static void gemm(DType t, boolean ta, boolean tb, long m, long n, long k, MemorySegment a, long aOff, long lda,
                             MemorySegment b, long bOff, long ldb, boolean accumulate, MemorySegment c, long cOff, long ldc) {
        if (t == DType.F64) {
            CpuBackend.dgemm(ta, tb, (int) m, (int) n, (int) k, 1.0, a, aOff, lda, b, bOff, ldb, accumulate ? 1.0 : 0.0, c, cOff, ldc);
        } else {
            CpuBackend.sgemm(ta, tb, (int) m, (int) n, (int) k, 1f, a, aOff, lda, b, bOff, ldb, accumulate ? 1f : 0f, c, cOff, ldc);
        }
    }
}
