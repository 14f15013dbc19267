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
 * in registers, so the full-size gradient is never written either; it sums the same products window by window instead
 * of row by row. For the MNIST CNN's first layer the full-size tensors are four times the pooled ones, and pooling them
 * took as long as the convolution. Winners are flat indices into the block's (N, OH, OW, F) output, as {@link MaxPool}
 * gives them. Needs whole vectors of channels. Loaded only when the Vector API is on.
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
        for (int t0 = 0; t0 < taps; t0 += 4) {
            for (int c = 0; c < f; c += L) fourTaps(s, pool, in, offsets, dy, dyOff + c, argmax, aOff + c, dk, dkOff + c, c, t0, accumulate);
        }
    }

    /** Taps {@code [t0, t0 + 4)} (those past the last tap repeat it, unstored) of one vector of channels, over every window. */
    private static void fourTaps(Conv2dShape s, Conv2dShape pool, PaddedBlock in, int[] offsets, MemorySegment dy, long dyAt,
                                 MemorySegment argmax, long aAt, MemorySegment dk, long dkAt, int channel, int t0, boolean accumulate) {
        int f = s.f(), sw = s.sw(), group = Math.min(4, offsets.length - t0), rowStep = s.sh() * in.rowLength(), outRow = s.ow() * f;
        float[] v = in.values();
        int o0 = offsets[t0], o1 = offsets[t0 + Math.min(1, group - 1)], o2 = offsets[t0 + Math.min(2, group - 1)];
        int o3 = offsets[t0 + Math.min(3, group - 1)];
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, zero = a0;
        IntVector lanes = IntVector.zero(I).addIndex(1).add(channel);
        long window = 0;
        for (int b = 0; b < s.n(); b++) {
            for (int py = 0; py < pool.oh(); py++) {
                for (int px = 0; px < pool.ow(); px++, window++) {
                    long at = (window * f) << 2;
                    FloatVector g = FloatVector.fromMemorySegment(F, dy, (dyAt << 2) + at, ORDER);
                    IntVector won = IntVector.fromMemorySegment(I, argmax, (aAt << 2) + at, ORDER);
                    int oy = 2 * py, ox = 2 * px, top = ((b * s.oh() + oy) * s.ow() + ox) * f, base = in.base(s, b, oy, ox);
                    IntVector first = lanes.add(top);
                    FloatVector g00 = zero.blend(g, won.eq(first).cast(F)), g01 = zero.blend(g, won.eq(first.add(f)).cast(F));
                    FloatVector g10 = zero.blend(g, won.eq(first.add(outRow)).cast(F));
                    FloatVector g11 = zero.blend(g, won.eq(first.add(outRow + f)).cast(F));
                    int o = base, o10 = base + rowStep;  // the window's four outputs, in the order pooling reads them
                    a0 = g00.fma(FloatVector.broadcast(F, v[o + o0]), a0);
                    a1 = g00.fma(FloatVector.broadcast(F, v[o + o1]), a1);
                    a2 = g00.fma(FloatVector.broadcast(F, v[o + o2]), a2);
                    a3 = g00.fma(FloatVector.broadcast(F, v[o + o3]), a3);
                    o += sw;
                    a0 = g01.fma(FloatVector.broadcast(F, v[o + o0]), a0);
                    a1 = g01.fma(FloatVector.broadcast(F, v[o + o1]), a1);
                    a2 = g01.fma(FloatVector.broadcast(F, v[o + o2]), a2);
                    a3 = g01.fma(FloatVector.broadcast(F, v[o + o3]), a3);
                    a0 = g10.fma(FloatVector.broadcast(F, v[o10 + o0]), a0);
                    a1 = g10.fma(FloatVector.broadcast(F, v[o10 + o1]), a1);
                    a2 = g10.fma(FloatVector.broadcast(F, v[o10 + o2]), a2);
                    a3 = g10.fma(FloatVector.broadcast(F, v[o10 + o3]), a3);
                    o10 += sw;
                    a0 = g11.fma(FloatVector.broadcast(F, v[o10 + o0]), a0);
                    a1 = g11.fma(FloatVector.broadcast(F, v[o10 + o1]), a1);
                    a2 = g11.fma(FloatVector.broadcast(F, v[o10 + o2]), a2);
                    a3 = g11.fma(FloatVector.broadcast(F, v[o10 + o3]), a3);
                }
            }
        }
        store(a0, dk, dkAt + (long) t0 * f, accumulate);
        if (group > 1) store(a1, dk, dkAt + (long) (t0 + 1) * f, accumulate);
        if (group > 2) store(a2, dk, dkAt + (long) (t0 + 2) * f, accumulate);
        if (group > 3) store(a3, dk, dkAt + (long) (t0 + 3) * f, accumulate);
    }

    private static void store(FloatVector v, MemorySegment dk, long at, boolean accumulate) {
        if (accumulate) v = v.add(FloatVector.fromMemorySegment(F, dk, at << 2, ORDER));
        v.intoMemorySegment(dk, at << 2, ORDER);
    }
}
