package dev.panamax.kernels.conv;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradConv}'s F32 passes over one block of images, a chunk of tiles at a time. Every transformed array holds
 * 16 planes, one per position ξ = 4·i + j of the 4 × 4 tile: {@code V (16, chunk, C)}, {@code U (16, C, F)},
 * {@code M (16, chunk, F)}. The 16 products are four tiles × four vectors of output channels (16 accumulators), as in
 * {@link DirectConvVector}, or eight tiles × two vectors where the output channels come in pairs of vectors, not fours
 * (32 channels with 16 lanes). The transforms run on vectors of channels, each tile's written out in full in one
 * method, so that no vector crosses a call (a vector passed to a helper C2 leaves out of line is boxed).
 */
final class WinogradVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private WinogradVector() {}

    /** Floats of one chunk's transformed tiles, V and M (or dM) together: 256 KB, so that a chunk stays in L2. */
    private static final int CHUNK_FLOATS = 64 * 1024;
    /** Each thread's chunk arrays, reused: a block's transforms would otherwise allocate (and zero) them every call. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * The tiles of a block, {@code rows × cols} an image, numbered image by image and row by row, taken {@code chunk}
     * at a time (a multiple of 8); each chunk's transformed planes are {@code chunk × C} (V) and {@code chunk × F} (M).
     */
    private record Tiles(Conv2dShape s, int rows, int cols, int count, int chunk) {
        static Tiles of(Conv2dShape s) {
            int rows = WinogradConv.tiles(s.oh()), cols = WinogradConv.tiles(s.ow());
            return new Tiles(s, rows, cols, s.n() * rows * cols, Math.max(8, CHUNK_FLOATS / (16 * (s.c() + s.f())) & ~7));
        }

        /** Output row of tile {@code q}'s top-left output. */
        int oy(int q) {
            return 2 * (q / cols % rows);
        }

        int ox(int q) {
            return 2 * (q % cols);
        }

        int image(int q) {
            return q / (rows * cols);
        }

        /** Byte offset of tile {@code q}'s top-left output in an (N, OH, OW, F) tensor at element {@code off}. */
        long outputAt(int q, long off) {
            return (off + (((long) image(q) * s.oh() + oy(q)) * s.ow() + ox(q)) * s.f()) << 2;
        }

        static float[] scratch(int slot, int floats) {
            float[][] arrays = SCRATCH.get();
            if (arrays[slot].length < floats) arrays[slot] = new float[floats];
            return arrays[slot];
        }
    }

    static void forward(Conv2dShape s, MemorySegment x, long xOff, float[] u, MemorySegment y, long yOff) {
        Tiles t = Tiles.of(s);
        int c = s.c(), f = s.f();
        PaddedBlock in = PaddedBlock.of(s, x, xOff, 2 * t.rows() + 2, 2 * t.cols() + 2);
        float[] v = Tiles.scratch(0, 16 * t.chunk() * c), m = Tiles.scratch(1, 16 * t.chunk() * f);
        for (int q0 = 0; q0 < t.count(); q0 += t.chunk()) {
            int n = Math.min(t.chunk(), t.count() - q0);
            inputTiles(t, in, q0, n, v);
            // The 16 products split over the threads when this block is all the work (a single image; inside a batch's
            // parallel region this runs on its thread alone): each plane is its own product, so the bits do not change.
            Parallel.forRange(16, 8, (from, to) -> {
                for (int xi = (int) from; xi < to; xi++) products(t, n, xi, v, u, m);
            });
            for (int q = q0; q < q0 + n; q++) {
                long at = t.outputAt(q, yOff);
                boolean below = t.oy(q) + 1 < s.oh(), right = t.ox(q) + 1 < s.ow();
                for (int f0 = 0; f0 < f; f0 += L) {
                    outputTile(m, (q - q0) * f + f0, t.chunk() * f, y, at + 4L * f0, 4L * f, 4L * s.ow() * f, below, right);
                }
            }
        }
    }

    /** {@code M_ξ = V_ξ · U_ξ} for one position ξ; the rows past n (to the next eight) are left over from before, and unused. */
    private static void products(Tiles t, int n, int xi, float[] v, float[] u, float[] m) {
        int c = t.s().c(), f = t.s().f(), vAt = xi * t.chunk() * c, uAt = xi * c * f, mAt = xi * t.chunk() * f;
        if (f % (4 * L) == 0) {
            for (int t0 = 0; t0 < n; t0 += 4) {
                for (int f0 = 0; f0 < f; f0 += 4 * L) fourByFour(v, vAt + t0 * c, c, u, uAt + f0, f, m, mAt + t0 * f + f0);
            }
        } else {
            for (int t0 = 0; t0 < n; t0 += 8) {
                for (int f0 = 0; f0 < f; f0 += 2 * L) eightByTwo(v, vAt + t0 * c, c, u, uAt + f0, f, m, mAt + t0 * f + f0);
            }
        }
    }

    /** {@code dU (16, C, F) = Σ_tiles V_ξ[tile]ᵀ · (A g Aᵀ)_ξ[tile]} ({@code + dU} when {@code accumulate}): the weight gradient before its transform back. */
    static void transformedWeightGradient(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, float[] du, boolean accumulate) {
        Tiles t = Tiles.of(s);
        int c = s.c(), f = s.f();
        PaddedBlock in = PaddedBlock.of(s, x, xOff, 2 * t.rows() + 2, 2 * t.cols() + 2);
        float[] v = Tiles.scratch(0, 16 * t.chunk() * c), dm = Tiles.scratch(1, 16 * t.chunk() * f);
        for (int q0 = 0; q0 < t.count(); q0 += t.chunk()) {
            int n = Math.min(t.chunk(), t.count() - q0);
            inputTiles(t, in, q0, n, v);
            for (int q = q0; q < q0 + n; q++) {
                long at = t.outputAt(q, gOff);
                boolean below = t.oy(q) + 1 < s.oh(), right = t.ox(q) + 1 < s.ow();
                for (int f0 = 0; f0 < f; f0 += L) {
                    gradientTile(g, at + 4L * f0, 4L * f, 4L * s.ow() * f, below, right, dm, (q - q0) * f + f0, t.chunk() * f);
                }
            }
            boolean add = accumulate || q0 > 0;
            for (int xi = 0; xi < 16; xi++) {
                int vAt = xi * t.chunk() * c, mAt = xi * t.chunk() * f, uAt = xi * c * f;
                for (int c0 = 0; c0 < c; c0 += 4) {
                    for (int f0 = 0; f0 < f; f0 += 4 * L) fourByFourSums(v, vAt + c0, c, dm, mAt + f0, f, n, du, uAt + c0 * f + f0, add);
                }
            }
        }
    }

    /** {@code V = Bᵀ d B} of tiles {@code [q0, q0 + n)} into the chunk {@code v}. */
    private static void inputTiles(Tiles t, PaddedBlock in, int q0, int n, float[] v) {
        int c = t.s().c(), vector = c - c % L, plane = t.chunk() * c, row = in.rowLength();
        float[] d = in.values();
        for (int q = q0; q < q0 + n; q++) {
            int at = t.image(q) * in.imageLength() + t.oy(q) * row + t.ox(q) * c, out = (q - q0) * c;
            for (int ch = 0; ch < vector; ch += L) inputTile(d, at + ch, row, c, v, out + ch, plane);
            for (int ch = vector; ch < c; ch++) inputTileScalar(d, at + ch, row, c, v, out + ch, plane);
        }
    }

    /**
     * One tile's {@code Bᵀ d B} on a vector of channels: rows (d0 − d2, d1 + d2, d2 − d1, d1 − d3) of the tile, then the
     * same combination of each row's columns, written to the 16 planes.
     */
    private static void inputTile(float[] d, int at, int row, int c, float[] v, int out, int plane) {
        int r1 = at + row, r2 = at + 2 * row, r3 = at + 3 * row;
        FloatVector d00 = FloatVector.fromArray(F, d, at), d01 = FloatVector.fromArray(F, d, at + c);
        FloatVector d02 = FloatVector.fromArray(F, d, at + 2 * c), d03 = FloatVector.fromArray(F, d, at + 3 * c);
        FloatVector d10 = FloatVector.fromArray(F, d, r1), d11 = FloatVector.fromArray(F, d, r1 + c);
        FloatVector d12 = FloatVector.fromArray(F, d, r1 + 2 * c), d13 = FloatVector.fromArray(F, d, r1 + 3 * c);
        FloatVector d20 = FloatVector.fromArray(F, d, r2), d21 = FloatVector.fromArray(F, d, r2 + c);
        FloatVector d22 = FloatVector.fromArray(F, d, r2 + 2 * c), d23 = FloatVector.fromArray(F, d, r2 + 3 * c);
        FloatVector d30 = FloatVector.fromArray(F, d, r3), d31 = FloatVector.fromArray(F, d, r3 + c);
        FloatVector d32 = FloatVector.fromArray(F, d, r3 + 2 * c), d33 = FloatVector.fromArray(F, d, r3 + 3 * c);
        FloatVector t0 = d00.sub(d20), t1 = d01.sub(d21), t2 = d02.sub(d22), t3 = d03.sub(d23);
        t0.sub(t2).intoArray(v, out);
        t1.add(t2).intoArray(v, out + plane);
        t2.sub(t1).intoArray(v, out + 2 * plane);
        t1.sub(t3).intoArray(v, out + 3 * plane);
        t0 = d10.add(d20);
        t1 = d11.add(d21);
        t2 = d12.add(d22);
        t3 = d13.add(d23);
        t0.sub(t2).intoArray(v, out + 4 * plane);
        t1.add(t2).intoArray(v, out + 5 * plane);
        t2.sub(t1).intoArray(v, out + 6 * plane);
        t1.sub(t3).intoArray(v, out + 7 * plane);
        t0 = d20.sub(d10);
        t1 = d21.sub(d11);
        t2 = d22.sub(d12);
        t3 = d23.sub(d13);
        t0.sub(t2).intoArray(v, out + 8 * plane);
        t1.add(t2).intoArray(v, out + 9 * plane);
        t2.sub(t1).intoArray(v, out + 10 * plane);
        t1.sub(t3).intoArray(v, out + 11 * plane);
        t0 = d10.sub(d30);
        t1 = d11.sub(d31);
        t2 = d12.sub(d32);
        t3 = d13.sub(d33);
        t0.sub(t2).intoArray(v, out + 12 * plane);
        t1.add(t2).intoArray(v, out + 13 * plane);
        t2.sub(t1).intoArray(v, out + 14 * plane);
        t1.sub(t3).intoArray(v, out + 15 * plane);
    }

    /** {@link #inputTile} for one channel: the channels past the last whole vector. */
    private static void inputTileScalar(float[] d, int at, int row, int c, float[] v, int out, int plane) {
        for (int i = 0; i < 4; i++) {
            float[] t = new float[4];
            for (int j = 0; j < 4; j++) {
                float d0 = d[at + j * c], d1 = d[at + row + j * c], d2 = d[at + 2 * row + j * c], d3 = d[at + 3 * row + j * c];
                t[j] = i == 0 ? d0 - d2 : i == 1 ? d1 + d2 : i == 2 ? d2 - d1 : d1 - d3;
            }
            v[4 * i * plane + out] = t[0] - t[2];
            v[(4 * i + 1) * plane + out] = t[1] + t[2];
            v[(4 * i + 2) * plane + out] = t[2] - t[1];
            v[(4 * i + 3) * plane + out] = t[1] - t[3];
        }
    }

    /**
     * One tile's {@code Aᵀ M A} on a vector of output channels: rows (m0 + m1 + m2, m1 − m2 − m3) of the 16 planes, then
     * the same of each row's columns, stored at byte {@code at} of y ({@code right}, {@code below}: the neighbours' byte
     * distances, written when {@code hasRight}, {@code hasBelow}).
     */
    private static void outputTile(float[] m, int in, int plane, MemorySegment y, long at, long right, long below, boolean hasBelow,
                                   boolean hasRight) {
        FloatVector m00 = FloatVector.fromArray(F, m, in), m01 = FloatVector.fromArray(F, m, in + plane);
        FloatVector m02 = FloatVector.fromArray(F, m, in + 2 * plane), m03 = FloatVector.fromArray(F, m, in + 3 * plane);
        FloatVector m10 = FloatVector.fromArray(F, m, in + 4 * plane), m11 = FloatVector.fromArray(F, m, in + 5 * plane);
        FloatVector m12 = FloatVector.fromArray(F, m, in + 6 * plane), m13 = FloatVector.fromArray(F, m, in + 7 * plane);
        FloatVector m20 = FloatVector.fromArray(F, m, in + 8 * plane), m21 = FloatVector.fromArray(F, m, in + 9 * plane);
        FloatVector m22 = FloatVector.fromArray(F, m, in + 10 * plane), m23 = FloatVector.fromArray(F, m, in + 11 * plane);
        FloatVector m30 = FloatVector.fromArray(F, m, in + 12 * plane), m31 = FloatVector.fromArray(F, m, in + 13 * plane);
        FloatVector m32 = FloatVector.fromArray(F, m, in + 14 * plane), m33 = FloatVector.fromArray(F, m, in + 15 * plane);
        FloatVector r0 = m00.add(m10).add(m20), r1 = m01.add(m11).add(m21), r2 = m02.add(m12).add(m22), r3 = m03.add(m13).add(m23);
        r0.add(r1).add(r2).intoMemorySegment(y, at, ORDER);
        if (hasRight) r1.sub(r2).sub(r3).intoMemorySegment(y, at + right, ORDER);
        if (!hasBelow) return;
        r0 = m10.sub(m20).sub(m30);
        r1 = m11.sub(m21).sub(m31);
        r2 = m12.sub(m22).sub(m32);
        r3 = m13.sub(m23).sub(m33);
        r0.add(r1).add(r2).intoMemorySegment(y, at + below, ORDER);
        if (hasRight) r1.sub(r2).sub(r3).intoMemorySegment(y, at + below + right, ORDER);
    }

    /**
     * One tile's {@code A g Aᵀ} on a vector of output channels, g read at byte {@code at} (its right and lower neighbours
     * as zeros where absent): rows (g0, g0 + g1, g0 − g1, −g1), then the same of each row's two columns.
     */
    private static void gradientTile(MemorySegment g, long at, long right, long below, boolean hasBelow, boolean hasRight,
                                     float[] dm, int out, int plane) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector g00 = FloatVector.fromMemorySegment(F, g, at, ORDER);
        FloatVector g01 = hasRight ? FloatVector.fromMemorySegment(F, g, at + right, ORDER) : zero;
        FloatVector g10 = hasBelow ? FloatVector.fromMemorySegment(F, g, at + below, ORDER) : zero;
        FloatVector g11 = hasBelow && hasRight ? FloatVector.fromMemorySegment(F, g, at + below + right, ORDER) : zero;
        FloatVector e0 = g00, e1 = g01;
        e0.intoArray(dm, out);
        e0.add(e1).intoArray(dm, out + plane);
        e0.sub(e1).intoArray(dm, out + 2 * plane);
        e1.neg().intoArray(dm, out + 3 * plane);
        e0 = g00.add(g10);
        e1 = g01.add(g11);
        e0.intoArray(dm, out + 4 * plane);
        e0.add(e1).intoArray(dm, out + 5 * plane);
        e0.sub(e1).intoArray(dm, out + 6 * plane);
        e1.neg().intoArray(dm, out + 7 * plane);
        e0 = g00.sub(g10);
        e1 = g01.sub(g11);
        e0.intoArray(dm, out + 8 * plane);
        e0.add(e1).intoArray(dm, out + 9 * plane);
        e0.sub(e1).intoArray(dm, out + 10 * plane);
        e1.neg().intoArray(dm, out + 11 * plane);
        e0 = g10.neg();
        e1 = g11.neg();
        e0.intoArray(dm, out + 12 * plane);
        e0.add(e1).intoArray(dm, out + 13 * plane);
        e0.sub(e1).intoArray(dm, out + 14 * plane);
        e1.neg().intoArray(dm, out + 15 * plane);
    }

    /**
     * {@code U = G k Gᵀ} for a kernel (3, 3, C, F) at {@code kOff}, a vector of its C·F positions at a time (C·F a multiple
     * of L): rows (k0, (k0 + k1 + k2)/2, (k0 − k1 + k2)/2, k2) of the kernel, then the same of each row's columns.
     */
    static float[] transformKernel(Conv2dShape s, MemorySegment k, long kOff, float[] u) {
        int plane = s.c() * s.f();
        for (int i = 0; i < plane; i += L) {
            long at = (kOff + i) << 2, step = 4L * plane;
            FloatVector k00 = FloatVector.fromMemorySegment(F, k, at, ORDER), k01 = FloatVector.fromMemorySegment(F, k, at + step, ORDER);
            FloatVector k02 = FloatVector.fromMemorySegment(F, k, at + 2 * step, ORDER), k10 = FloatVector.fromMemorySegment(F, k, at + 3 * step, ORDER);
            FloatVector k11 = FloatVector.fromMemorySegment(F, k, at + 4 * step, ORDER), k12 = FloatVector.fromMemorySegment(F, k, at + 5 * step, ORDER);
            FloatVector k20 = FloatVector.fromMemorySegment(F, k, at + 6 * step, ORDER), k21 = FloatVector.fromMemorySegment(F, k, at + 7 * step, ORDER);
            FloatVector k22 = FloatVector.fromMemorySegment(F, k, at + 8 * step, ORDER);
            for (int r = 0; r < 4; r++) {
                FloatVector a = r == 0 ? k00 : r == 3 ? k20 : (r == 1 ? k00.add(k10) : k00.sub(k10)).add(k20).mul(0.5f);
                FloatVector b = r == 0 ? k01 : r == 3 ? k21 : (r == 1 ? k01.add(k11) : k01.sub(k11)).add(k21).mul(0.5f);
                FloatVector d = r == 0 ? k02 : r == 3 ? k22 : (r == 1 ? k02.add(k12) : k02.sub(k12)).add(k22).mul(0.5f);
                int o = i + 4 * r * plane;
                a.intoArray(u, o);
                a.add(b).add(d).mul(0.5f).intoArray(u, o + plane);
                a.sub(b).add(d).mul(0.5f).intoArray(u, o + 2 * plane);
                d.intoArray(u, o + 3 * plane);
            }
        }
        return u;
    }

    /**
     * {@code dk (3, 3, C, F) = Gᵀ dU G}, written to {@code dk} at {@code dkOff}, a vector of the C·F positions at a time:
     * rows (u0 + (u1 + u2)/2, (u1 − u2)/2, (u1 + u2)/2 + u3) of the 16 planes, then the same of each row's columns.
     */
    static void kernelGradient(Conv2dShape s, float[] du, MemorySegment dk, long dkOff) {
        int plane = s.c() * s.f();
        long step = 4L * plane;
        for (int i = 0; i < plane; i += L) {
            long at = (dkOff + i) << 2;
            for (int r = 0; r < 3; r++, at += 3 * step) {
                // row r of Gᵀ dU takes planes (0, 4, 8) + j for r = 0, (4, 8) + j for r = 1, (4, 8, 12) + j for r = 2
                int o = i + 4 * plane;
                FloatVector p0 = FloatVector.fromArray(F, du, o), q0 = FloatVector.fromArray(F, du, o + 4 * plane);
                FloatVector p1 = FloatVector.fromArray(F, du, o + plane), q1 = FloatVector.fromArray(F, du, o + 5 * plane);
                FloatVector p2 = FloatVector.fromArray(F, du, o + 2 * plane), q2 = FloatVector.fromArray(F, du, o + 6 * plane);
                FloatVector p3 = FloatVector.fromArray(F, du, o + 3 * plane), q3 = FloatVector.fromArray(F, du, o + 7 * plane);
                FloatVector h0, h1, h2, h3;
                if (r == 1) {
                    h0 = p0.sub(q0).mul(0.5f);
                    h1 = p1.sub(q1).mul(0.5f);
                    h2 = p2.sub(q2).mul(0.5f);
                    h3 = p3.sub(q3).mul(0.5f);
                } else {
                    int e = r == 0 ? i : i + 12 * plane;
                    h0 = p0.add(q0).mul(0.5f).add(FloatVector.fromArray(F, du, e));
                    h1 = p1.add(q1).mul(0.5f).add(FloatVector.fromArray(F, du, e + plane));
                    h2 = p2.add(q2).mul(0.5f).add(FloatVector.fromArray(F, du, e + 2 * plane));
                    h3 = p3.add(q3).mul(0.5f).add(FloatVector.fromArray(F, du, e + 3 * plane));
                }
                FloatVector mid = h1.add(h2).mul(0.5f);
                h0.add(mid).intoMemorySegment(dk, at, ORDER);
                h1.sub(h2).mul(0.5f).intoMemorySegment(dk, at + step, ORDER);
                mid.add(h3).intoMemorySegment(dk, at + 2 * step, ORDER);
            }
        }
    }

    /** Four tiles' rows of {@code V_ξ} (stride {@code c}) times four vectors of {@code U_ξ}'s columns (stride {@code f}) into M. */
    private static void fourByFour(float[] v, int vAt, int c, float[] u, int uAt, int f, float[] m, int mAt) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int ch = 0, uo = uAt; ch < c; ch++, uo += f) {
            FloatVector k0 = FloatVector.fromArray(F, u, uo);
            FloatVector k1 = FloatVector.fromArray(F, u, uo + L);
            FloatVector k2 = FloatVector.fromArray(F, u, uo + 2 * L);
            FloatVector k3 = FloatVector.fromArray(F, u, uo + 3 * L);
            FloatVector b = FloatVector.broadcast(F, v[vAt + ch]);
            a00 = k0.fma(b, a00);
            a01 = k1.fma(b, a01);
            a02 = k2.fma(b, a02);
            a03 = k3.fma(b, a03);
            b = FloatVector.broadcast(F, v[vAt + c + ch]);
            a10 = k0.fma(b, a10);
            a11 = k1.fma(b, a11);
            a12 = k2.fma(b, a12);
            a13 = k3.fma(b, a13);
            b = FloatVector.broadcast(F, v[vAt + 2 * c + ch]);
            a20 = k0.fma(b, a20);
            a21 = k1.fma(b, a21);
            a22 = k2.fma(b, a22);
            a23 = k3.fma(b, a23);
            b = FloatVector.broadcast(F, v[vAt + 3 * c + ch]);
            a30 = k0.fma(b, a30);
            a31 = k1.fma(b, a31);
            a32 = k2.fma(b, a32);
            a33 = k3.fma(b, a33);
        }
        a00.intoArray(m, mAt);
        a01.intoArray(m, mAt + L);
        a02.intoArray(m, mAt + 2 * L);
        a03.intoArray(m, mAt + 3 * L);
        a10.intoArray(m, mAt + f);
        a11.intoArray(m, mAt + f + L);
        a12.intoArray(m, mAt + f + 2 * L);
        a13.intoArray(m, mAt + f + 3 * L);
        a20.intoArray(m, mAt + 2 * f);
        a21.intoArray(m, mAt + 2 * f + L);
        a22.intoArray(m, mAt + 2 * f + 2 * L);
        a23.intoArray(m, mAt + 2 * f + 3 * L);
        a30.intoArray(m, mAt + 3 * f);
        a31.intoArray(m, mAt + 3 * f + L);
        a32.intoArray(m, mAt + 3 * f + 2 * L);
        a33.intoArray(m, mAt + 3 * f + 3 * L);
    }

    /** Eight tiles' rows of {@code V_ξ} times two vectors of {@code U_ξ}'s columns: output channels in pairs of vectors, not fours. */
    private static void eightByTwo(float[] v, int vAt, int c, float[] u, int uAt, int f, float[] m, int mAt) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FloatVector a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
        for (int ch = 0, uo = uAt; ch < c; ch++, uo += f) {
            FloatVector k0 = FloatVector.fromArray(F, u, uo);
            FloatVector k1 = FloatVector.fromArray(F, u, uo + L);
            FloatVector b = FloatVector.broadcast(F, v[vAt + ch]);
            a00 = k0.fma(b, a00);
            a01 = k1.fma(b, a01);
            b = FloatVector.broadcast(F, v[vAt + c + ch]);
            a10 = k0.fma(b, a10);
            a11 = k1.fma(b, a11);
            b = FloatVector.broadcast(F, v[vAt + 2 * c + ch]);
            a20 = k0.fma(b, a20);
            a21 = k1.fma(b, a21);
            b = FloatVector.broadcast(F, v[vAt + 3 * c + ch]);
            a30 = k0.fma(b, a30);
            a31 = k1.fma(b, a31);
            b = FloatVector.broadcast(F, v[vAt + 4 * c + ch]);
            a40 = k0.fma(b, a40);
            a41 = k1.fma(b, a41);
            b = FloatVector.broadcast(F, v[vAt + 5 * c + ch]);
            a50 = k0.fma(b, a50);
            a51 = k1.fma(b, a51);
            b = FloatVector.broadcast(F, v[vAt + 6 * c + ch]);
            a60 = k0.fma(b, a60);
            a61 = k1.fma(b, a61);
            b = FloatVector.broadcast(F, v[vAt + 7 * c + ch]);
            a70 = k0.fma(b, a70);
            a71 = k1.fma(b, a71);
        }
        a00.intoArray(m, mAt);
        a01.intoArray(m, mAt + L);
        a10.intoArray(m, mAt + f);
        a11.intoArray(m, mAt + f + L);
        a20.intoArray(m, mAt + 2 * f);
        a21.intoArray(m, mAt + 2 * f + L);
        a30.intoArray(m, mAt + 3 * f);
        a31.intoArray(m, mAt + 3 * f + L);
        a40.intoArray(m, mAt + 4 * f);
        a41.intoArray(m, mAt + 4 * f + L);
        a50.intoArray(m, mAt + 5 * f);
        a51.intoArray(m, mAt + 5 * f + L);
        a60.intoArray(m, mAt + 6 * f);
        a61.intoArray(m, mAt + 6 * f + L);
        a70.intoArray(m, mAt + 7 * f);
        a71.intoArray(m, mAt + 7 * f + L);
    }

    /** Four input channels of {@code V_ξ} × four vectors of {@code dM_ξ}'s output channels, summed over {@code tiles}, into dU. */
    private static void fourByFourSums(float[] v, int vAt, int c, float[] dm, int mAt, int f, int tiles, float[] du, int at, boolean accumulate) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int tile = 0, vo = vAt, mo = mAt; tile < tiles; tile++, vo += c, mo += f) {
            FloatVector g0 = FloatVector.fromArray(F, dm, mo);
            FloatVector g1 = FloatVector.fromArray(F, dm, mo + L);
            FloatVector g2 = FloatVector.fromArray(F, dm, mo + 2 * L);
            FloatVector g3 = FloatVector.fromArray(F, dm, mo + 3 * L);
            FloatVector b = FloatVector.broadcast(F, v[vo]);
            a00 = g0.fma(b, a00);
            a01 = g1.fma(b, a01);
            a02 = g2.fma(b, a02);
            a03 = g3.fma(b, a03);
            b = FloatVector.broadcast(F, v[vo + 1]);
            a10 = g0.fma(b, a10);
            a11 = g1.fma(b, a11);
            a12 = g2.fma(b, a12);
            a13 = g3.fma(b, a13);
            b = FloatVector.broadcast(F, v[vo + 2]);
            a20 = g0.fma(b, a20);
            a21 = g1.fma(b, a21);
            a22 = g2.fma(b, a22);
            a23 = g3.fma(b, a23);
            b = FloatVector.broadcast(F, v[vo + 3]);
            a30 = g0.fma(b, a30);
            a31 = g1.fma(b, a31);
            a32 = g2.fma(b, a32);
            a33 = g3.fma(b, a33);
        }
        if (accumulate) {
            a00 = a00.add(FloatVector.fromArray(F, du, at));
            a01 = a01.add(FloatVector.fromArray(F, du, at + L));
            a02 = a02.add(FloatVector.fromArray(F, du, at + 2 * L));
            a03 = a03.add(FloatVector.fromArray(F, du, at + 3 * L));
            a10 = a10.add(FloatVector.fromArray(F, du, at + f));
            a11 = a11.add(FloatVector.fromArray(F, du, at + f + L));
            a12 = a12.add(FloatVector.fromArray(F, du, at + f + 2 * L));
            a13 = a13.add(FloatVector.fromArray(F, du, at + f + 3 * L));
            a20 = a20.add(FloatVector.fromArray(F, du, at + 2 * f));
            a21 = a21.add(FloatVector.fromArray(F, du, at + 2 * f + L));
            a22 = a22.add(FloatVector.fromArray(F, du, at + 2 * f + 2 * L));
            a23 = a23.add(FloatVector.fromArray(F, du, at + 2 * f + 3 * L));
            a30 = a30.add(FloatVector.fromArray(F, du, at + 3 * f));
            a31 = a31.add(FloatVector.fromArray(F, du, at + 3 * f + L));
            a32 = a32.add(FloatVector.fromArray(F, du, at + 3 * f + 2 * L));
            a33 = a33.add(FloatVector.fromArray(F, du, at + 3 * f + 3 * L));
        }
        a00.intoArray(du, at);
        a01.intoArray(du, at + L);
        a02.intoArray(du, at + 2 * L);
        a03.intoArray(du, at + 3 * L);
        a10.intoArray(du, at + f);
        a11.intoArray(du, at + f + L);
        a12.intoArray(du, at + f + 2 * L);
        a13.intoArray(du, at + f + 3 * L);
        a20.intoArray(du, at + 2 * f);
        a21.intoArray(du, at + 2 * f + L);
        a22.intoArray(du, at + 2 * f + 2 * L);
        a23.intoArray(du, at + 2 * f + 3 * L);
        a30.intoArray(du, at + 3 * f);
        a31.intoArray(du, at + 3 * f + L);
        a32.intoArray(du, at + 3 * f + 2 * L);
        a33.intoArray(du, at + 3 * f + 3 * L);
    }
}
