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
 * The patch matrix is not kept for backward; it is unfolded again, block by block. With a bias (third input),
 * the layer's epilogue {@code act(y + bias)} (ReLU or none) runs on each block while it is in cache, and its
 * backward ({@code g·[y > 0]}, the bias sums) likewise. With a {@link MaxPool}, each block's output is pooled while in
 * cache and only the pooled result leaves it; backward routes the pooled gradient back into the block. So a
 * convolution followed by pooling never writes its full-size output or gradient to memory (11 MB each for the
 * MNIST CNN's first layer at batch 128). F32 and F64.
 * {@code -Dpanamax.conv.blockBytes} sets the patch buffer per thread (default 192 KB).
 */
public final class Conv2d extends Function {
    private static final long BLOCK_BYTES = Long.getLong("panamax.conv.blockBytes", 192 * 1024);

    private final Window window;
    private final boolean relu;
    private final MaxPool pool;

    /** Max pooling applied to the convolution's output: window, strides, padding. */
    public record MaxPool(int kh, int kw, int sh, int sw, Conv2dShape.Padding padding) {
        /** The pooling geometry over {@code n} images of a convolution's output. */
        Conv2dShape over(Conv2dShape conv, int n) {
            return Conv2dShape.of(n, conv.oh(), conv.ow(), conv.f(), kh, kw, 0, sh, sw, 1, 1, padding);
        }
    }

    /** Convolution alone: inputs {@code (x, kernel)}. */
    public Conv2d(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding) {
        this(kh, kw, sh, sw, dh, dw, padding, false);
    }

    /** Convolution then max pooling, in one pass over each block: inputs {@code (x, kernel)}. */
    public Conv2d(int kh, int kw, int sh, int sw, int dh, int dw, Conv2dShape.Padding padding, MaxPool pool) {
        this(kh, kw, sh, sw, dh, dw, padding, false, java.util.Objects.requireNonNull(pool, "pool"));
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

    /**
     * How the batch is cut: {@code parts} contiguous image ranges (one per thread), blocks of {@code images}; the
     * block also holds its convolution output when it is pooled ({@code outElements} per image, else 0).
     */
    private record Plan(Conv2dShape s, int width, int parts, int images, long outElements) {
        static Plan of(Conv2dShape s, int width, boolean pooled) {
            long out = pooled ? (long) s.oh() * s.ow() * s.f() : 0;
            long perImage = ((long) s.oh() * s.ow() * s.patchSize() + out) * width;
            int images = (int) Math.max(1, Math.min(s.n(), BLOCK_BYTES / Math.max(1, perImage)));
            int parts = Math.max(1, Math.min(Parallel.THREADS, s.n()));
            return new Plan(s, width, parts, images, out);
        }

        long rowsPerImage() {
            return (long) s.oh() * s.ow();
        }

        /** Elements of one thread's patch buffer. */
        long bufferElements() {
            return images * rowsPerImage() * s.patchSize();
        }

        /** Elements of one thread's block of convolution output (or its gradient) before pooling; 0 without pooling. */
        long outBufferElements() {
            return images * outElements;
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
        DType t = x.dtype();
        Plan plan = Plan.of(s, t.byteSize(), pool != null);
        int kk = s.patchSize(), f = s.f();
        Conv2dShape pooled = pool == null ? null : pool.over(s, s.n());
        Tensor y = pooled == null ? Tensor.empty(t, s.n(), s.oh(), s.ow(), f) : Tensor.empty(t, s.n(), pooled.oh(), pooled.ow(), f);
        Tensor arg = pooled == null ? null : Tensor.empty(DType.I32, y.shape());
        long stride = plan.bufferElements() + plan.outBufferElements();  // per part: patches, then the unpooled block
        try (Tensor xc = x.contiguous(); Tensor kc = k.contiguous(); Tensor bc = bias == null ? null : bias.contiguous();
             Tensor buffers = Tensor.empty(t, plan.parts() * stride)) {
            MemorySegment buf = buffers.segment();
            plan.forEachBlock((part, b, count) -> {
                long colsOff = part * stride, rows = count * plan.rowsPerImage();
                Im2col.im2col(plan.sub(count), plan.width(), xc.segment(), xc.offset() + b * plan.imageElements(), buf, colsOff);
                if (pooled == null) {
                    long yOff = b * plan.rowsPerImage() * f;
                    gemm(t, false, false, rows, f, kk, buf, colsOff, kk, kc.segment(), kc.offset(), f, false, y.segment(), yOff, f);
                    if (bc != null) ConvEpilogue.forward(t, y.segment(), yOff, bc.segment(), bc.offset(), rows, f, relu);
                } else {
                    long outOff = colsOff + plan.bufferElements(), yOff = b * pooledImage(pooled);
                    gemm(t, false, false, rows, f, kk, buf, colsOff, kk, kc.segment(), kc.offset(), f, false, buf, outOff, f);
                    BlockMaxPool.forward(t, pool.over(s, count), buf, outOff, y.segment(), yOff, arg.segment(), yOff);
                }
            });
        } catch (RuntimeException e) {
            y.close();
            if (arg != null) arg.close();
            throw e;
        }
        if (relu) ctx.save(x, k, y);
        else if (arg != null) ctx.save(x, k, arg);
        else ctx.save(x, k);
        if (arg != null) arg.close();  // the context holds its own view
        return new Tensor[] {y};
    }

    /** Elements of one pooled output image. */
    private static long pooledImage(Conv2dShape pooled) {
        return (long) pooled.oh() * pooled.ow() * pooled.c();
    }

    @Override
    protected Tensor[] backward(Ctx ctx, Tensor... g) {
        Tensor x = ctx.saved(0), k = ctx.saved(1), y = relu ? ctx.saved(2) : null, arg = pool != null ? ctx.saved(2) : null;
        Conv2dShape s = geometry(x.shape(), k.shape());
        Plan plan = Plan.of(s, x.dtype().byteSize(), pool != null);
        int kk = s.patchSize(), f = s.f();
        boolean hasBias = ctx.inputCount() > 2;
        boolean wantDx = ctx.needsInputGrad(0), wantDk = ctx.needsInputGrad(1), wantDb = hasBias && ctx.needsInputGrad(2);
        DType t = x.dtype();
        Tensor dx = wantDx ? Tensor.empty(t, x.shape()) : null;
        Tensor dk = wantDk ? Tensor.empty(t, k.shape()) : null;
        Tensor db = wantDb ? Tensor.empty(t, f) : null;
        long kernelElements = (long) kk * f;
        // Per part: the patch buffer, the block's output gradient (after ReLU, or before pooling), its bias sums,
        // and the part's running sums.
        long blockRows = plan.images() * plan.rowsPerImage();
        Conv2dShape pooled = pool == null ? null : pool.over(s, s.n());
        long gradOff = plan.bufferElements(), biasOff = gradOff + (relu || pool != null ? blockRows * f : 0), stride = biasOff + 2L * f;
        try (Tensor gc = g[0].contiguous(); Tensor xc = x.contiguous(); Tensor kc = k.contiguous();
             Tensor buffers = Tensor.empty(t, plan.parts() * stride);
             Tensor partials = Tensor.empty(t, wantDk ? plan.parts() * kernelElements : 1)) {
            MemorySegment buf = buffers.segment(), part = partials.segment();
            boolean[] started = new boolean[plan.parts()];
            plan.forEachBlock((p, b, count) -> {
                long base = p * stride, rows = count * plan.rowsPerImage(), rowOff = b * plan.rowsPerImage() * f;
                MemorySegment gs = gc.segment();
                long gOff = gc.offset() + rowOff;
                if (hasBias) {  // the epilogue's backward: g·[y > 0] (ReLU), and this block's bias sums
                    ConvEpilogue.backward(t, buf, base + gradOff, gs, gOff, relu ? y.segment() : gs, relu ? y.offset() + rowOff : gOff,
                            buf, base + biasOff + f, rows, f, relu);
                    if (started[p]) add(t, buf, base + biasOff, buf, base + biasOff + f, f);
                    else MemorySegment.copy(buf, (base + biasOff + f) * plan.width(), buf, (base + biasOff) * plan.width(), (long) f * plan.width());
                    if (relu) {
                        gs = buf;
                        gOff = base + gradOff;
                    }
                }
                if (pooled != null) {  // the pooled gradient, routed back to each window's winner in this block
                    long at = b * pooledImage(pooled);
                    BlockMaxPool.backward(t, pool.over(s, count), gs, gc.offset() + at, arg.segment(), arg.offset() + at, buf, base + gradOff);
                    gs = buf;
                    gOff = base + gradOff;
                }
                Conv2dShape sub = plan.sub(count);
                if (wantDk) {  // dK_part += colsᵀ · g
                    Im2col.im2col(sub, plan.width(), xc.segment(), xc.offset() + b * plan.imageElements(), buf, base);
                    gemm(t, true, false, kk, f, rows, buf, base, kk, gs, gOff, f, started[p], part, p * kernelElements, f);
                }
                if (wantDx) {  // dcols = g · Kᵀ, folded into this block's images
                    gemm(t, false, true, rows, kk, f, gs, gOff, f, kc.segment(), kc.offset(), f, false, buf, base, kk);
                    Im2col.col2im(sub, t == DType.F64, buf, base, dx.segment(), b * plan.imageElements());
                }
                started[p] = true;
            });
            sumParts(t, plan, s.n() == 0, part, 0, kernelElements, kernelElements, dk);
            sumParts(t, plan, s.n() == 0, buf, biasOff, stride, f, db);
        } catch (RuntimeException e) {
            if (dx != null) dx.close();
            if (dk != null) dk.close();
            if (db != null) db.close();
            throw e;
        }
        return hasBias ? new Tensor[] {dx, dk, db} : new Tensor[] {dx, dk};
    }

    /** {@code out = Σ_p src[off + p·stride ..][0, n)} over the parts in order (zeros for an empty batch); no-op without out. */
    private static void sumParts(DType t, Plan plan, boolean empty, MemorySegment src, long off, long stride, long n, Tensor out) {
        if (out == null) return;
        if (empty) {
            out.segment().asSlice(out.offset() * plan.width(), n * plan.width()).fill((byte) 0);
            return;
        }
        MemorySegment.copy(src, off * plan.width(), out.segment(), 0, n * plan.width());
        for (int p = 1; p < plan.parts(); p++) add(t, out.segment(), 0, src, off + p * stride, n);
    }

    /** {@code dst[0, n) += src[0, n)}. */
    private static void add(DType t, MemorySegment dst, long d, MemorySegment src, long s, long n) {
        if (t == DType.F64) Elementwise.binaryF64(BinaryOp.ADD, dst, d, dst, d, src, s, n);
        else Elementwise.binaryF32(BinaryOp.ADD, dst, d, dst, d, src, s, n);
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
