package dev.panamax.bench.jmh;

import dev.panamax.autodiff.Padding;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.kernels.conv.DirectConv;
import dev.panamax.kernels.conv.Im2col;
import dev.panamax.kernels.conv.Pool2d;
import dev.panamax.kernels.conv.SingleChannelConv;
import dev.panamax.kernels.conv.WinogradConv;
import dev.panamax.kernels.gemm.Gemm;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The MNIST CNN's three convolutions at batch 32 (NHWC, 3×3, valid): forward (im2col + GEMM) and backward
 * (weight gradient GEMM, input gradient GEMM + col2im), Java GEMM on all threads; and the autodiff op's
 * forward + backward ({@code op}: blocked, GEMMs on the backend's choice) against the whole-batch composite
 * ({@code composite}: one patch matrix, one product). {@code direct} and {@code directWeightGradient} run the
 * direct kernels (single-threaded) on the same data as {@code forward} and the first product of {@code backward}:
 * {@link SingleChannelConv} for the one-channel first layer, {@link DirectConv}'s implicit GEMM for the others;
 * {@code directInputGradient} {@link DirectConv}'s scatter against {@code backward}'s second product + col2im (the
 * first layer has no input gradient to take: its lines time nothing); {@code winograd}, {@code winogradWeightGradient},
 * {@code winogradInputGradient} and {@code winogradBackward} (both gradients from one transform of the output
 * gradient) {@link WinogradConv} on the second layer, four images a block as the engine runs them at batch 32 (the other
 * layers' lines time nothing); {@code poolForward} and {@code poolBackward} the 2 × 2 max pooling after the first two layers,
 * {@code poolForwardValues} the same forward as inference runs it (no winners kept); {@code directPooled},
 * {@code directPooledWeightGradient} (first layer) and {@code winogradPooled}, {@code winogradPooledBackward} (second
 * layer) the convolutions with that pooling fused in, against the sum of the unfused lines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConvBench {
    /** conv1: 28×28×1 → 32; conv2: 13×13×32 → 64; conv3: 5×5×64 → 64. */
    @Param({"conv1", "conv2", "conv3"})
    public String layer;

    /** Images a Winograd block: a part of batch 32 in {@code ConvEngine}'s eight. */
    private static final int BLOCK = 4;

    Conv2dShape s, block, pool, blockPool;
    Arena arena;
    MemoryScope model;
    Tensor input, kernel;
    MemorySegment x, w, y, cols, dy, dw, dcols, dx, pooled, argmax, dpooled, dconv;

    @Setup(Level.Trial)
    public void setUp() {
        s = switch (layer) {
            case "conv1" -> Conv2dShape.of(32, 28, 28, 1, 3, 3, 32, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
            case "conv2" -> Conv2dShape.of(32, 13, 13, 32, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
            default -> Conv2dShape.of(32, 5, 5, 64, 3, 3, 64, 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        };
        block = Conv2dShape.of(BLOCK, s.h(), s.w(), s.c(), s.kh(), s.kw(), s.f(), 1, 1, 1, 1, Conv2dShape.Padding.VALID);
        arena = Arena.ofShared();
        long in = (long) s.n() * s.h() * s.w() * s.c(), k = s.patchSize(), m = s.patches();
        x = GemmBench.random(arena, in, 1);
        w = GemmBench.random(arena, k * s.f(), 2);
        dy = GemmBench.random(arena, m * s.f(), 3);
        y = arena.allocate(m * s.f() * 4, 64);
        cols = arena.allocate(m * k * 4, 64);
        dcols = arena.allocate(m * k * 4, 64);
        dw = arena.allocate(k * s.f() * 4, 64);
        dx = arena.allocate(in * 4, 64);
        if (!layer.equals("conv3")) {  // the first two layers' 2 × 2 max pooling, over a random convolution output
            pool = Conv2dShape.of(s.n(), s.oh(), s.ow(), s.f(), 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.VALID);
            long out = (long) pool.n() * pool.oh() * pool.ow() * pool.c();
            pooled = arena.allocate(out * 4, 64);
            argmax = arena.allocate(out * 4, 64);
            dpooled = GemmBench.random(arena, out, 4);
            dconv = arena.allocate(m * s.f() * 4, 64);
            Pool2d.maxForward(pool, dy, 0, pooled, 0, argmax, 0);
            blockPool = Conv2dShape.of(BLOCK, s.oh(), s.ow(), s.f(), 2, 2, 0, 2, 2, 1, 1, Conv2dShape.Padding.VALID);
        }
        model = MemoryScope.open("conv");
        input = Tensor.uniform(new Rng(1), -1, 1, DType.F32, s.n(), s.h(), s.w(), s.c());
        kernel = Tensor.uniform(new Rng(2), -0.1, 0.1, DType.F32, s.kh(), s.kw(), s.c(), s.f());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        arena.close();
    }

    @Benchmark
    public double op() {
        return opStep(false);
    }

    @Benchmark
    public double composite() {
        return opStep(true);
    }

    private double opStep(boolean composite) {
        int[] one = {1, 1};
        try (MemoryScope step = MemoryScope.open("step")) {
            Var x = Var.param(input), k = Var.param(kernel);
            Var y = composite ? F.conv2dComposite(x, k, one, one, Padding.VALID)
                    : F.conv2d(x, k, one, one, Padding.VALID);
            y.backward(Tensor.ones(DType.F32, y.shape()));
            return k.grad().getDouble(0, 0, 0, 0);
        }
    }

    @Benchmark
    public MemorySegment forward() {
        int k = s.patchSize(), m = (int) s.patches();
        Im2col.im2col(s, x, 0, cols, 0);
        Gemm.sgemm(false, false, m, s.f(), k, 1f, cols, 0, k, w, 0, s.f(), 0f, y, 0, s.f());
        return y;
    }

    @Benchmark
    public MemorySegment backward() {
        int k = s.patchSize(), m = (int) s.patches();
        Gemm.sgemm(true, false, k, s.f(), m, 1f, cols, 0, k, dy, 0, s.f(), 0f, dw, 0, s.f());
        Gemm.sgemm(false, true, m, k, s.f(), 1f, dy, 0, s.f(), w, 0, s.f(), 0f, dcols, 0, k);
        Im2col.col2im(s, dcols, 0, dx, 0);
        return dx;
    }

    @Benchmark
    public MemorySegment direct() {
        if (SingleChannelConv.applies(s, 4)) SingleChannelConv.forward(s, x, 0, w, 0, y, 0);
        else if (DirectConv.applies(s, 4)) DirectConv.forward(s, x, 0, w, 0, y, 0);
        return y;
    }

    /** Winograd a block of four images at a time, as {@code ConvEngine} runs it: its transformed tiles stay in L2. */
    @Benchmark
    public MemorySegment winograd() {
        if (!WinogradConv.applies(s, 4)) return y;
        float[] u = WinogradConv.transformKernel(s, w, 0);
        for (int b = 0; b < s.n(); b += BLOCK) WinogradConv.forward(block, x, b * imageElements(), u, y, b * outputElements());
        return y;
    }

    @Benchmark
    public MemorySegment winogradWeightGradient() {
        if (!WinogradConv.appliesToWeightGradient(s, 4)) return dw;
        float[] du = WinogradConv.transformedGradient(s);
        for (int b = 0; b < s.n(); b += BLOCK) WinogradConv.backward(block, x, b * imageElements(), dy, b * outputElements(), du, b > 0, null, null, 0);
        WinogradConv.kernelGradient(s, du, dw, 0);
        return dw;
    }

    @Benchmark
    public MemorySegment winogradInputGradient() {
        if (!WinogradConv.appliesToInputGradient(s, 4)) return dx;
        float[] ut = WinogradConv.transformKernelForInputGradient(s, w, 0, null);
        for (int b = 0; b < s.n(); b += BLOCK) WinogradConv.backward(block, x, 0, dy, b * outputElements(), null, false, ut, dx, b * imageElements());
        return dx;
    }

    /** Both gradients from one transform of the output gradient, as {@code ConvEngine} takes them. */
    @Benchmark
    public MemorySegment winogradBackward() {
        if (!WinogradConv.appliesToWeightGradient(s, 4) || !WinogradConv.appliesToInputGradient(s, 4)) return dx;
        float[] du = WinogradConv.transformedGradient(s), ut = WinogradConv.transformKernelForInputGradient(s, w, 0, null);
        for (int b = 0; b < s.n(); b += BLOCK) {
            WinogradConv.backward(block, x, b * imageElements(), dy, b * outputElements(), du, b > 0, ut, dx, b * imageElements());
        }
        WinogradConv.kernelGradient(s, du, dw, 0);
        return dx;
    }

    /** The second layer's Winograd with its pooling fused in, blocks as in {@code winograd} (against {@code winograd} + {@code poolForward}). */
    @Benchmark
    public MemorySegment winogradPooled() {
        if (pool == null || !WinogradConv.appliesPooled(s, pool, 4)) return pooled;
        float[] u = WinogradConv.transformKernel(s, w, 0);
        for (int b = 0; b < s.n(); b += BLOCK) {
            long at = b * pooledElements();
            WinogradConv.forwardPooled(block, blockPool, x, b * imageElements(), u, pooled, at, argmax, at);
        }
        return pooled;
    }

    /** Both gradients from the pooled gradient and the winners (against {@code poolBackward} + {@code winogradBackward}). */
    @Benchmark
    public MemorySegment winogradPooledBackward() {
        if (pool == null || !WinogradConv.appliesPooled(s, pool, 4) || !WinogradConv.appliesToWeightGradient(s, 4)) return dx;
        float[] du = WinogradConv.transformedGradient(s), ut = WinogradConv.transformKernelForInputGradient(s, w, 0, null);
        for (int b = 0; b < s.n(); b += BLOCK) {
            long at = b * pooledElements();
            WinogradConv.backwardPooled(block, blockPool, x, b * imageElements(), dpooled, at, argmax, at, du, b > 0, ut, dx, b * imageElements());
        }
        WinogradConv.kernelGradient(s, du, dw, 0);
        return dx;
    }

    /** The max pooling after the layer (none after the third): forward with its winners. */
    @Benchmark
    public MemorySegment poolForward() {
        if (pool != null) Pool2d.maxForward(pool, dy, 0, pooled, 0, argmax, 0);
        return pooled;
    }

    /** The same pooling as inference runs it: the values only, no winners kept. */
    @Benchmark
    public MemorySegment poolForwardValues() {
        if (pool != null) Pool2d.maxForward(pool, dy, 0, pooled, 0, null, 0);
        return pooled;
    }

    /** Its backward: each window's gradient to its winner (a masked copy where the windows tile the input). */
    @Benchmark
    public MemorySegment poolBackward() {
        if (pool != null) Pool2d.maxBackward(pool, dpooled, 0, argmax, 0, dconv, 0);
        return dconv;
    }

    /** The first layer's convolution with its pooling fused in (against {@code direct} + {@code poolForward}). */
    @Benchmark
    public MemorySegment directPooled() {
        if (pool != null && SingleChannelConv.appliesPooled(s, pool, 4)) SingleChannelConv.forwardPooled(s, pool, x, 0, w, 0, pooled, 0, argmax, 0);
        return pooled;
    }

    /** Its weight gradient from the pooled gradient and the winners (against {@code poolBackward} + {@code directWeightGradient}). */
    @Benchmark
    public MemorySegment directPooledWeightGradient() {
        if (pool != null && SingleChannelConv.appliesPooled(s, pool, 4)) {
            SingleChannelConv.weightGradientPooled(s, pool, x, 0, dpooled, 0, argmax, 0, dw, 0, false);
        }
        return dw;
    }

    private long imageElements() {
        return (long) s.h() * s.w() * s.c();
    }

    private long pooledElements() {
        return (long) pool.oh() * pool.ow() * s.f();
    }

    private long outputElements() {
        return (long) s.oh() * s.ow() * s.f();
    }

    @Benchmark
    public MemorySegment directInputGradient() {
        if (DirectConv.appliesToInputGradient(s, 4)) DirectConv.inputGradient(s, dy, 0, DirectConv.transposedKernel(s, w, 0), dx, 0);
        return dx;
    }

    @Benchmark
    public MemorySegment directWeightGradient() {
        if (SingleChannelConv.applies(s, 4)) SingleChannelConv.weightGradient(s, x, 0, dy, 0, dw, 0, false);
        else if (DirectConv.appliesToWeightGradient(s, 4)) DirectConv.weightGradient(s, x, 0, dy, 0, dw, 0, false);
        return dw;
    }

    /** The same in blocks of four images summed into one kernel gradient, as the engine runs the third layer at batch 32. */
    @Benchmark
    public MemorySegment directWeightGradientBlocks() {
        if (SingleChannelConv.applies(s, 4) || !DirectConv.appliesToWeightGradient(s, 4)) return dw;
        for (int b = 0; b < s.n(); b += BLOCK) DirectConv.weightGradient(block, x, b * imageElements(), dy, b * outputElements(), dw, 0, b > 0);
        return dw;
    }
}
