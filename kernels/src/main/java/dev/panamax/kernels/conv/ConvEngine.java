package dev.panamax.kernels.conv;

import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.Elementwise;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Settings;
import java.lang.foreign.MemorySegment;

/**
 * Blocked 2-D convolution over NHWC data, {@code x (N, H, W, C) ⊛ kernel (KH, KW, C, F) → y (N, OH, OW, F)},
 * computed a few images at a time: each block's patch matrix is unfolded into a small per-thread buffer that
 * stays in L2 and multiplied there, instead of unfolding the whole batch into one matrix that lives in DRAM
 * (17.8 MB for the MNIST CNN's second layer at batch 128, written and read back once per pass). The threads take
 * disjoint image ranges, each running its GEMMs single-threaded. Backward folds each block's patch gradient
 * straight into its images (col2im) and sums the weight gradient per image range, then across ranges in a fixed
 * order. The batch is cut into the same ranges and blocks whatever the thread count (at most
 * {@code -Dpanamax.conv.parts}, default 8, of at least 32 images each, but two for any batch of two or more; threads
 * claim whole ranges), so every block's GEMM has the same shape, takes the same kernel, and the outputs and gradients
 * are bit-identical on 1, 2 or N threads, not only from run to run. Ranges are few because each keeps its own weight
 * gradient until the end, which the sums then read back from beyond L2 (measured, MNIST CNN training step, samples/s
 * with 8, 4 and 2 ranges: batch 32 at one thread 8,573–9,190, 10,172–10,293 and 11,155–11,351, at two threads 11,920–
 * 13,146, 13,755–14,640 and 14,575–15,561; batch 128 at one thread 11,023, 11,596 and 10,827, at two 15,425, 16,890 and
 * 15,317). The patch matrix is not kept for backward; it is unfolded again.
 *
 * <p>Where the shape allows, an F32 block skips the patch matrix, the kernel chosen by the shape alone (so the bits
 * still do not follow the thread count): a one-channel input is convolved directly ({@link SingleChannelConv}),
 * 3 × 3 unit-stride windows with enough outputs go through Winograd's F(4 × 4, 3 × 3) (forward, and both gradients
 * from one transform of the output gradient, {@link WinogradConv}), other inputs with several channels through an
 * implicit GEMM, and the input gradient is otherwise a scatter wherever the input channels fill whole vectors
 * ({@link DirectConv}).
 *
 * <p>Epilogues run on each block while it is in cache: with a bias, {@code act(y + bias)} (ReLU or none) and its
 * backward ({@code g·[y > 0]}, the bias sums); with pooling, each block's output is max-pooled and only the pooled
 * result leaves the block, and backward routes the pooled gradient back into it. So a convolution followed by
 * pooling never writes its full-size output or gradient to memory.
 *
 * <p>Precision is {@code width} bytes per element: 4 (F32, the Vector API kernels) or 8 (F64, their scalar twins).
 * The caller supplies the GEMM (so a backend decides which implementation multiplies) and the scratch memory,
 * sized by {@link #forwardScratch} / {@link #backwardScratch}. Offsets are in elements. Outputs are overwritten;
 * no output may alias an input. {@code -Dpanamax.conv.blockBytes} sets the patch buffer per thread (default 192 KB).
 */
public final class ConvEngine {
    private static final long BLOCK_BYTES = Long.getLong("panamax.conv.blockBytes", 192 * 1024);
    /**
     * Image ranges at most, fixed rather than one per thread: block shapes, which decide the GEMM kernel a block takes,
     * and the order of the gradient sums must not follow the thread count.
     */
    private static final int PARTS = parts();
    /** Images a range holds at least, where the batch has them ({@link Plan#parts(int)}). */
    private static final int IMAGES_PER_PART = 32;
    /**
     * Each thread's Winograd weight-gradient sums, one slot per range, kept from one backward pass to the next:
     * 295 KB a range for the MNIST CNN's second layer, allocated per pass they were a fifth of a training step's garbage
     * (JFR). Each range's first block overwrites its sums, so they are never cleared.
     */
    private static final ThreadFloats WINOGRAD_SUMS = new ThreadFloats(PARTS, 1 << 20);
    /** Elements of summed weight gradient per thread, at least: each reads one row from every part. */
    private static final long SUM_GRAIN = 4096;

    private ConvEngine() {}

    private static int parts() {
        String p = Settings.get("panamax.conv.parts", null);
        try {
            int n = p == null ? 8 : Integer.parseInt(p);
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            System.getLogger(ConvEngine.class.getName()).log(System.Logger.Level.WARNING,
                    "panamax.conv.parts must be a positive integer, got '" + p + "'; using 8");
            return 8;
        }
    }

    /** {@code C = op(A)·op(B) (+ C when accumulate)}, row-major, offsets in elements, in the engine's precision. */
    @FunctionalInterface
    public interface BlockGemm {
        void multiply(boolean transA, boolean transB, long m, long n, long k, MemorySegment a, long aOff, long lda,
                      MemorySegment b, long bOff, long ldb, boolean accumulate, MemorySegment c, long cOff, long ldc);
    }

    /**
     * How the batch is cut: {@code parts} contiguous image ranges, blocks of {@code images}; a block's patch buffer
     * ({@code patches}: none where Winograd takes every pass), and a pooled block's convolution output
     * ({@code outElements} per image, else 0). Blocks are sized to keep their buffers in L2; where there is no patch
     * buffer that leaves the output (or gradient) block, so a block holds several images and the Winograd passes
     * more tiles at a time. The ranges follow the batch ({@link #parts(int)}), not the threads: whichever thread claims a
     * range runs its blocks in order.
     */
    private record Plan(Conv2dShape s, int width, int parts, int images, long outElements, boolean patches) {
        static Plan of(Conv2dShape s, int width, boolean pooled) {
            long out = pooled ? (long) s.oh() * s.ow() * s.f() : 0;
            boolean patches = !(WinogradConv.appliesToWeightGradient(s, width) && WinogradConv.appliesToInputGradient(s, width));
            long perImage = (patches ? (long) s.oh() * s.ow() * s.patchSize() + out : (long) s.oh() * s.ow() * s.f()) * width;
            int images = (int) Math.max(1, Math.min(s.n(), BLOCK_BYTES / Math.max(1, perImage)));
            return new Plan(s, width, parts(s.n()), images, out, patches);
        }

        /** Ranges for a batch of {@code n}: {@link #IMAGES_PER_PART} images each or more, at most {@link #PARTS}, two where n allows. */
        static int parts(int n) {
            return Math.max(1, Math.min(PARTS, Math.max(Math.min(n, 2), n / IMAGES_PER_PART)));
        }

        long rowsPerImage() {
            return (long) s.oh() * s.ow();
        }

        /** Elements of one thread's patch buffer. */
        long patchElements() {
            return patches ? images * rowsPerImage() * s.patchSize() : 0;
        }

        long imageElements() {
            return (long) s.h() * s.w() * s.c();
        }

        /** Per part in forward: the patches, then the unpooled output block. */
        long forwardStride() {
            return patchElements() + images * outElements;
        }

        /** Per part in backward: the patches, the block's output gradient, then two rows of bias sums. */
        long gradOffset() {
            return patchElements();
        }

        long biasOffset(boolean blockGrad) {
            return gradOffset() + (blockGrad ? images * rowsPerImage() * s.f() : 0);
        }

        long backwardStride(boolean blockGrad) {
            return biasOffset(blockGrad) + 2L * s.f();
        }

        /** Runs {@code block(part, firstImage, imageCount)} over every block, a part's blocks on one thread, in order. */
        void forEachBlock(Block block) {
            Parallel.forChunks(parts, (p0, p1) -> {
                for (int p = (int) p0; p < p1; p++) {
                    int from = (int) ((long) s.n() * p / parts), to = (int) ((long) s.n() * (p + 1) / parts);
                    for (int b = from; b < to; b += images) block.run(p, b, Math.min(images, to - b));
                }
            });
        }

        /** {@return whether the block of {@code count} images from {@code first} is the last of {@code part}} */
        boolean endsPart(int part, int first, int count) {
            return first + count == (int) ((long) s.n() * (part + 1) / parts);
        }

        /** The geometry of {@code count} images: the kernels take whole batches, so a block is a smaller batch. */
        static Conv2dShape sub(Conv2dShape s, int count) {
            return new Conv2dShape(count, s.h(), s.w(), s.c(), s.kh(), s.kw(), s.f(), s.sh(), s.sw(), s.dh(), s.dw(),
                    s.padTop(), s.padLeft(), s.oh(), s.ow());
        }
    }

    @FunctionalInterface
    private interface Block {
        void run(int part, int firstImage, int count);
    }

    /** Scratch elements {@link #forward} needs; {@code pool} is the pooling geometry or null. */
    public static long forwardScratch(Conv2dShape s, int width, Conv2dShape pool) {
        Plan plan = Plan.of(s, width, pool != null);
        return plan.parts() * plan.forwardStride();
    }

    /**
     * Forward: {@code y = conv(x, kernel)}; with {@code bias} (non-null) then {@code act(y + bias)}; with {@code pool}
     * (the max-pooling geometry over the convolution's output, {@code pool.n() == s.n()}) {@code y} is the pooled
     * output {@code (N, POH, POW, F)} and {@code argmax} (int32, shaped like y; null: not kept) each winner's flat index within its
     * block of images. Pooling takes no bias. {@code x}, {@code kernel}, {@code bias} contiguous.
     *
     * @param scratch at least {@link #forwardScratch} elements, contents ignored
     */
    public static void forward(Conv2dShape s, int width, Conv2dShape pool, boolean relu, BlockGemm gemm,
                               MemorySegment y, long yOff, MemorySegment argmax, long aOff,
                               MemorySegment x, long xOff, MemorySegment kernel, long kOff, MemorySegment bias, long bOff,
                               MemorySegment scratch) {
        Plan plan = Plan.of(s, width, pool != null);
        int kk = s.patchSize(), f = s.f();
        long stride = plan.forwardStride();
        float[] winogradKernel = WinogradConv.applies(s, width) ? KeptWinogradKernels.transformed(s, kernel, kOff, false) : null;
        plan.forEachBlock((part, b, count) -> {
            long colsOff = part * stride, rows = count * plan.rowsPerImage();
            Conv2dShape sub = Plan.sub(s, count);
            long xAt = xOff + b * plan.imageElements();
            if (pool == null) {
                long at = yOff + b * plan.rowsPerImage() * f;
                convolve(sub, width, gemm, x, xAt, kernel, kOff, winogradKernel, scratch, colsOff, y, at);
                if (bias != null) ConvEpilogue.forward(width, y, at, bias, bOff, rows, f, relu);
            } else if (SingleChannelConv.appliesPooled(s, pool, width)) {  // the pooling fused into the convolution's output stage
                long at = b * pooledImage(pool);
                SingleChannelConv.forwardPooled(sub, Plan.sub(pool, count), x, xAt, kernel, kOff, y, yOff + at, argmax, aOff + at);
            } else if (winogradKernel != null && WinogradConv.appliesPooled(s, pool, width)) {
                long at = b * pooledImage(pool);
                WinogradConv.forwardPooled(sub, Plan.sub(pool, count), x, xAt, winogradKernel, y, yOff + at, argmax, aOff + at);
            } else {
                long outOff = colsOff + plan.patchElements(), at = b * pooledImage(pool);
                convolve(sub, width, gemm, x, xAt, kernel, kOff, winogradKernel, scratch, colsOff, scratch, outOff);
                MaxPool.forward(width, Plan.sub(pool, count), scratch, outOff, y, yOff + at, argmax, aOff + at);
            }
        });
    }

    /**
     * One block's convolution into {@code out}: directly for a one-channel input (see {@link SingleChannelConv}), by
     * Winograd's F(4 × 4, 3 × 3) with the kernel already transformed ({@link KeptWinogradKernels}, null where
     * {@link WinogradConv} does not apply), or as an implicit GEMM ({@link DirectConv}), else its patches unfolded at
     * {@code colsOff} in the scratch and multiplied by the kernel.
     */
    private static void convolve(Conv2dShape sub, int width, BlockGemm gemm, MemorySegment x, long xAt, MemorySegment kernel, long kOff,
                                 float[] winogradKernel, MemorySegment scratch, long colsOff, MemorySegment out, long outOff) {
        if (SingleChannelConv.applies(sub, width)) {
            SingleChannelConv.forward(sub, x, xAt, kernel, kOff, out, outOff);
            return;
        }
        if (winogradKernel != null) {
            WinogradConv.forward(sub, x, xAt, winogradKernel, out, outOff);
            return;
        }
        if (DirectConv.applies(sub, width)) {
            DirectConv.forward(sub, x, xAt, kernel, kOff, out, outOff);
            return;
        }
        int kk = sub.patchSize(), f = sub.f();
        Im2col.im2col(sub, width, x, xAt, scratch, colsOff);
        gemm.multiply(false, false, (long) sub.n() * sub.oh() * sub.ow(), f, kk, scratch, colsOff, kk, kernel, kOff, f, false, out, outOff, f);
    }

    /** Elements of one pooled output image. */
    private static long pooledImage(Conv2dShape pool) {
        return (long) pool.oh() * pool.ow() * pool.c();
    }

    /** Scratch elements {@link #backward} needs. */
    public static long backwardScratch(Conv2dShape s, int width, Conv2dShape pool, boolean relu) {
        Plan plan = Plan.of(s, width, pool != null);
        return plan.parts() * plan.backwardStride(relu || pool != null);
    }

    /** Elements of the per-thread weight-gradient sums {@link #backward} needs. */
    public static long partialsScratch(Conv2dShape s, int width, Conv2dShape pool) {
        return Plan.of(s, width, pool != null).parts() * (long) s.patchSize() * s.f();
    }

    /**
     * Backward of {@link #forward} from the upstream gradient {@code g} (shaped like y, contiguous). Writes each
     * gradient whose segment is non-null: {@code dx (N, H, W, C)}, {@code dk (KH, KW, C, F)}, {@code db (F)} (needs
     * {@code hasBias}). {@code y} is the forward output, read only when {@code relu}; {@code argmax} only with
     * {@code pool}.
     *
     * @param scratch  at least {@link #backwardScratch} elements
     * @param partials at least {@link #partialsScratch} elements (only when {@code dk} is wanted)
     */
    public static void backward(Conv2dShape s, int width, Conv2dShape pool, boolean relu, boolean hasBias, BlockGemm gemm,
                                MemorySegment dx, long dxOff, MemorySegment dk, long dkOff, MemorySegment db, long dbOff,
                                MemorySegment g, long gOff, MemorySegment x, long xOff, MemorySegment kernel, long kOff,
                                MemorySegment y, long yOff, MemorySegment argmax, long aOff,
                                MemorySegment scratch, MemorySegment partials) {
        boolean blockGrad = relu || pool != null;
        Plan plan = Plan.of(s, width, pool != null);
        int kk = s.patchSize(), f = s.f();
        long kernelElements = (long) kk * f;
        long gradOff = plan.gradOffset(), biasOff = plan.biasOffset(blockGrad), stride = plan.backwardStride(blockGrad);
        boolean[] started = new boolean[plan.parts()];
        float[][] winogradSums = dk != null && WinogradConv.appliesToWeightGradient(s, width) ? new float[plan.parts()][] : null;
        float[] winogradKernel = dx != null && WinogradConv.appliesToInputGradient(s, width)
                ? KeptWinogradKernels.transformed(s, kernel, kOff, true) : null;
        // The pooled gradient taken straight into the convolution's passes, when they serve every gradient wanted: the
        // one-channel weight gradient (a first layer: no input gradient), or Winograd's.
        boolean plain = !hasBias && !relu;
        boolean singleChannelPool = plain && dx == null && dk != null && SingleChannelConv.appliesPooled(s, pool, width);
        boolean winogradPool = plain && (dk == null || winogradSums != null) && (dx == null || winogradKernel != null)
                && (winogradSums != null || winogradKernel != null) && WinogradConv.appliesPooled(s, pool, width);
        float[] transposedKernel = dx != null && winogradKernel == null && DirectConv.appliesToInputGradient(s, width)
                ? DirectConv.keptTransposedKernel(s, kernel, kOff) : null;
        plan.forEachBlock((p, b, count) -> {
            long base = p * stride, rows = count * plan.rowsPerImage(), rowOff = b * plan.rowsPerImage() * f;
            MemorySegment gs = g;
            long gAt = gOff + rowOff;
            if (hasBias) {  // the epilogue's backward: g·[y > 0] (ReLU), and this block's bias sums
                ConvEpilogue.backward(width, scratch, base + gradOff, g, gAt, relu ? y : g, relu ? yOff + rowOff : gAt,
                        scratch, base + biasOff + f, rows, f, relu);
                if (started[p]) add(width, scratch, base + biasOff, scratch, base + biasOff + f, f);
                else MemorySegment.copy(scratch, (base + biasOff + f) * width, scratch, (base + biasOff) * width, (long) f * width);
                if (relu) {
                    gs = scratch;
                    gAt = base + gradOff;
                }
            }
            Conv2dShape sub = Plan.sub(s, count);
            long xAt = xOff + b * plan.imageElements();
            long pooledAt = pool == null ? 0 : b * pooledImage(pool);
            if (singleChannelPool) {
                SingleChannelConv.weightGradientPooled(sub, Plan.sub(pool, count), x, xAt, g, gOff + pooledAt, argmax, aOff + pooledAt,
                        partials, p * kernelElements, started[p]);
                started[p] = true;
                return;
            }
            if (pool != null && !winogradPool) {  // the pooled gradient, routed back to each window's winner in this block
                MaxPool.backward(width, Plan.sub(pool, count), g, gOff + pooledAt, argmax, aOff + pooledAt, scratch, base + gradOff);
                gs = scratch;
                gAt = base + gradOff;
            }
            if (winogradSums != null || winogradKernel != null) {  // both gradients from one transform of g's tiles
                float[] sums = null;
                if (winogradSums != null) {  // summed transformed, and transformed back after the part's last block
                    if (winogradSums[p] == null) winogradSums[p] = WINOGRAD_SUMS.atLeast(p, WinogradConv.transformedFloats(s));
                    sums = winogradSums[p];
                }
                if (winogradPool) {
                    WinogradConv.backwardPooled(sub, Plan.sub(pool, count), x, xAt, g, gOff + pooledAt, argmax, aOff + pooledAt, sums, started[p],
                            winogradKernel, dx, dxOff + b * plan.imageElements());
                } else {
                    WinogradConv.backward(sub, x, xAt, gs, gAt, sums, started[p], winogradKernel, dx, dxOff + b * plan.imageElements());
                }
                if (sums != null && plan.endsPart(p, b, count)) WinogradConv.kernelGradient(s, sums, partials, p * kernelElements);
            }
            if (dk == null || winogradSums != null) {
                // none wanted, or summed above
            } else if (SingleChannelConv.applies(s, width)) {
                SingleChannelConv.weightGradient(sub, x, xAt, gs, gAt, partials, p * kernelElements, started[p]);
            } else if (DirectConv.appliesToWeightGradient(s, width)) {
                DirectConv.weightGradient(sub, x, xAt, gs, gAt, partials, p * kernelElements, started[p]);
            } else {  // dK_part += colsᵀ · g
                Im2col.im2col(sub, width, x, xAt, scratch, base);
                gemm.multiply(true, false, kk, f, rows, scratch, base, kk, gs, gAt, f, started[p], partials, p * kernelElements, f);
            }
            if (dx == null || winogradKernel != null) {
                // none wanted, or given above
            } else if (transposedKernel != null) {
                DirectConv.inputGradient(sub, gs, gAt, transposedKernel, dx, dxOff + b * plan.imageElements());
            } else {  // dcols = g · Kᵀ, folded into this block's images
                gemm.multiply(false, true, rows, kk, f, gs, gAt, f, kernel, kOff, f, false, scratch, base, kk);
                Im2col.col2im(sub, width == 8, scratch, base, dx, dxOff + b * plan.imageElements());
            }
            started[p] = true;
        });
        if (dk != null) sumParts(width, plan, partials, 0, kernelElements, kernelElements, dk, dkOff);
        if (db != null) sumParts(width, plan, scratch, biasOff, stride, f, db, dbOff);
    }

    /**
     * {@code out = Σ_p src[off + p·stride ..][0, n)} over the parts in order (zeros for an empty batch), the elements
     * split across the threads: every element still sums its parts in the same order.
     */
    private static void sumParts(int width, Plan plan, MemorySegment src, long off, long stride, long n, MemorySegment out, long outOff) {
        if (plan.s().n() == 0) {
            out.asSlice(outOff * width, n * width).fill((byte) 0);
            return;
        }
        Parallel.forRange(n, SUM_GRAIN, (from, to) -> {
            MemorySegment.copy(src, (off + from) * width, out, (outOff + from) * width, (to - from) * width);
            for (int p = 1; p < plan.parts(); p++) add(width, out, outOff + from, src, off + p * stride + from, to - from);
        });
    }

    /** {@code dst[0, n) += src[0, n)}. */
    private static void add(int width, MemorySegment dst, long d, MemorySegment src, long s, long n) {
        if (width == 8) Elementwise.binaryF64(BinaryOp.ADD, dst, d, dst, d, src, s, n);
        else Elementwise.binaryF32(BinaryOp.ADD, dst, d, dst, d, src, s, n);
    }
}
