package dev.panamax.kernels.conv;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SingleChannelConvVector}'s convolution with a 2 × 2, stride-2 max pooling fused in. Forward computes each pair
 * of output rows into an array of the thread's and pools them from there ({@link Pool2d#maxRowFrom}): the same values
 * and winners, bit for bit, as the two run one after the other, without the full-size output going to memory and being
 * copied back. The weight gradient builds each window's four output gradients from the pooled gradient and its winners
 * once for nine taps, so the full-size gradient is never written either; it sums the same products window by window
 * instead of row by row. For the MNIST CNN's first layer the full-size tensors are four times the pooled ones, and
 * pooling them took as long as the convolution. Winners are flat indices into the block's (N, OH, OW, F) output, as
 * {@link MaxPool} gives them. Needs whole vectors of channels. Loaded only when the Vector API is on.
 */
final class SingleChannelPoolVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Pooled rows a thread takes at least when a block's rows are split (a single image's 13 go as two parts). */
    private static final int ROWS_PER_TASK = 4;

    private SingleChannelPoolVector() {}

    /**
     * {@code y (N, POH, POW, F) = maxpool(conv(x, k))} and the winners into {@code argmax} (null: the values only).
     * {@code pool} is the pooling's geometry over the convolution's output. Each pooled row's two output rows are
     * computed into an array of the thread's and pooled from there.
     */
    static void forward(Conv2dShape s, Conv2dShape pool, MemorySegment x, long xOff, MemorySegment k, long kOff,
                        MemorySegment y, long yOff, MemorySegment argmax, long aOff) {
        int poh = pool.oh(), rowLength = s.ow() * s.f(), pooledRow = pool.ow() * s.f();
        PaddedBlock in = PaddedBlock.of(s, x, xOff, SingleChannelConvVector.PIXELS);
        int[] offsets = SingleChannelConvVector.tapOffsets(s, in);
        Parallel.forRange((long) s.n() * poh, ROWS_PER_TASK, (r0, r1) -> {
            float[] rows = SingleChannelConvVector.ROWS.atLeast(0, 2 * rowLength);
            for (long r = r0; r < r1; r++) {
                int b = (int) (r / poh), oy = 2 * (int) (r % poh);
                SingleChannelConvVector.outputRow(s, in, offsets, k, kOff, b, oy, rows, 0);
                SingleChannelConvVector.outputRow(s, in, offsets, k, kOff, b, oy + 1, rows, rowLength);
                Pool2d.maxRowFrom(pool, rows, (b * s.oh() + oy) * rowLength, y, yOff + r * pooledRow, argmax, aOff + r * pooledRow);
            }
        });
    }

    /**
     * The weight gradient {@code dk[t, c] = Σ_windows Σ_pixels tap_t(pixel) · g[pixel, c]} ({@code + dk} when
     * {@code accumulate}), where a window's pixel has the pooled gradient {@code dy} where it won and 0 elsewhere.
     */
    static void weightGradient(Conv2dShape s, Conv2dShape pool, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                               MemorySegment argmax, long aOff, MemorySegment dk, long dkOff, boolean accumulate) {
        int f = s.f(), taps = s.kh() * s.kw();
        PaddedBlock in = PaddedBlock.of(s, x, xOff, SingleChannelConvVector.PIXELS);
        int[] offsets = SingleChannelConvVector.tapOffsets(s, in);
        for (int t0 = 0; t0 < taps; t0 += 9) {
            for (int c = 0; c < f; c += L) nineTaps(s, pool, in, offsets, dy, dyOff + c, argmax, aOff + c, dk, dkOff + c, c, t0, accumulate);
        }
    }

    /**
     * Taps {@code [t0, t0 + 9)} (a 3 × 3 window's all; those past the last tap repeat it, unstored) of one vector of
     * channels, over every window: each of a window's four output gradients is built in a register once for all nine
     * taps. On the first layer at batch 32, one thread: 117 µs; in groups of four taps 159; with the four outputs spelled
     * out 99, but C2 then took 48.8 MB of arena to compile it, the most of any method in a training run, and the
     * process's peak memory rose with it; through an array (as {@link Pool2dVector#windowGradient} gives them, straddling
     * cache lines) 270.
     */
    private static void nineTaps(Conv2dShape s, Conv2dShape pool, PaddedBlock in, int[] offsets, MemorySegment dy, long dyAt,
                                 MemorySegment argmax, long aAt, MemorySegment dk, long dkAt, int channel, int t0, boolean accumulate) {
        int f = s.f(), sw = s.sw(), group = Math.min(9, offsets.length - t0), rowStep = s.sh() * in.rowLength(), outRow = s.ow() * f;
        float[] v = in.values();
        FloatVector zero = FloatVector.zero(F);
        IntVector lanes = IntVector.zero(I).addIndex(1).add(channel);
        int[] o = new int[9];
        for (int t = 0; t < 9; t++) o[t] = offsets[t0 + Math.min(t, group - 1)];
        int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7], o8 = o[8];
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0;
        long window = 0;
        for (int b = 0; b < s.n(); b++) {
            for (int py = 0; py < pool.oh(); py++) {
                for (int px = 0; px < pool.ow(); px++, window++) {
                    int oy = 2 * py, ox = 2 * px, top = ((b * s.oh() + oy) * s.ow() + ox) * f, base = in.base(s, b, oy, ox);
                    long at = (window * f) << 2;
                    FloatVector gv = FloatVector.fromMemorySegment(F, dy, (dyAt << 2) + at, ORDER);
                    IntVector won = IntVector.fromMemorySegment(I, argmax, (aAt << 2) + at, ORDER), first = lanes.add(top);
                    for (int q = 0; q < 4; q++) {  // the window's outputs in the order pooling reads them
                        int w = base + (q >> 1) * rowStep + (q & 1) * sw;
                        FloatVector g = zero.blend(gv, won.eq(first.add((q >> 1) * outRow + (q & 1) * f)).cast(F));
                        a0 = g.fma(FloatVector.broadcast(F, v[w + o0]), a0);
                        a1 = g.fma(FloatVector.broadcast(F, v[w + o1]), a1);
                        a2 = g.fma(FloatVector.broadcast(F, v[w + o2]), a2);
                        a3 = g.fma(FloatVector.broadcast(F, v[w + o3]), a3);
                        a4 = g.fma(FloatVector.broadcast(F, v[w + o4]), a4);
                        a5 = g.fma(FloatVector.broadcast(F, v[w + o5]), a5);
                        a6 = g.fma(FloatVector.broadcast(F, v[w + o6]), a6);
                        a7 = g.fma(FloatVector.broadcast(F, v[w + o7]), a7);
                        a8 = g.fma(FloatVector.broadcast(F, v[w + o8]), a8);
                    }
                }
            }
        }
        long at = dkAt + (long) t0 * f;
        SingleChannelConvVector.store(a0, dk, at, accumulate);
        if (group > 1) SingleChannelConvVector.store(a1, dk, at + f, accumulate);
        if (group > 2) SingleChannelConvVector.store(a2, dk, at + 2L * f, accumulate);
        if (group > 3) SingleChannelConvVector.store(a3, dk, at + 3L * f, accumulate);
        if (group > 4) SingleChannelConvVector.store(a4, dk, at + 4L * f, accumulate);
        if (group > 5) SingleChannelConvVector.store(a5, dk, at + 5L * f, accumulate);
        if (group > 6) SingleChannelConvVector.store(a6, dk, at + 6L * f, accumulate);
        if (group > 7) SingleChannelConvVector.store(a7, dk, at + 7L * f, accumulate);
        if (group > 8) SingleChannelConvVector.store(a8, dk, at + 8L * f, accumulate);
    }
}
