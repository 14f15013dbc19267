package dev.panamax.kernels.conv;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradConv}'s F32 passes over one block of images, a chunk of tiles at a time. Every transformed array holds
 * 36 planes, one per position ξ = 6·i + j of the 6 × 6 tile: {@code V (36, chunk, C)}, {@code U (36, C, F)},
 * {@code M (36, chunk, F)}. The products are four tiles × four vectors of output channels (16 accumulators), as in
 * {@link DirectConvVector}, or eight tiles × two vectors where the channels come in pairs of vectors, not fours.
 * Each tile transform is a 1-D transform down the tile's columns into a line buffer, then the same along its rows,
 * each line of six vectors in one helper that loads, combines and stores them, so that no vector crosses a call (a
 * vector passed to a helper C2 leaves out of line is boxed).
 */
final class WinogradVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Outputs along a tile's side, and the inputs it reads. */
    static final int TILE = 4, SIDE = TILE + 2, PLANES = SIDE * SIDE;
    /** Floats added between planes of the chunk arrays: one 64-byte cache line. */
    private static final int SKEW = 16;

    /** {@code Bᵀ}, for the scalar tail; the vector lines spell it out. */
    private static final float[][] BT = {
        {4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0}, {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};

    private WinogradVector() {}

    /** Floats of one chunk's transformed tiles, V and M (or dM) together: 256 KB, so that a chunk stays in L2. */
    private static final int CHUNK_FLOATS = 64 * 1024;
    /**
     * Each thread's chunk arrays (slots 0, 1), line buffer (slot 2) and weight gradient transformed back (slot 3): a block's
     * transforms would otherwise allocate them every call.
     */
    private static final ThreadFloats SCRATCH = new ThreadFloats(4, Integer.MAX_VALUE);

    /**
     * The tiles of a block, {@code rows × cols} an image, numbered image by image and row by row, taken {@code chunk}
     * at a time (a multiple of 8); each chunk's transformed planes are {@code chunk × C} (V) and {@code chunk × F} (M).
     */
    private record Tiles(Conv2dShape s, int rows, int cols, int count, int chunk) {
        static Tiles of(Conv2dShape s) {
            int rows = WinogradConv.tiles(s.oh()), cols = WinogradConv.tiles(s.ow());
            return new Tiles(s, rows, cols, s.n() * rows * cols, Math.max(8, CHUNK_FLOATS / (PLANES * (s.c() + s.f())) & ~7));
        }

        /**
         * Floats from one plane of V to the next: a chunk's rows and a cache line more, so that the 36 planes a tile
         * transform writes do not fall into one set of the L1 cache (16 tiles of 64 channels are 4 KB: measured, the
         * weight gradient ran at half speed).
         */
        int vPlane() {
            return chunk * s.c() + SKEW;
        }

        /** Floats from one plane of M (or dM) to the next, skewed as {@link #vPlane}'s. */
        int mPlane() {
            return chunk * s.f() + SKEW;
        }

        /** Output row of tile {@code q}'s top-left output. */
        int oy(int q) {
            return TILE * (q / cols % rows);
        }

        int ox(int q) {
            return TILE * (q % cols);
        }

        int image(int q) {
            return q / (rows * cols);
        }

        /** Byte offset of tile {@code q}'s top-left output in an (N, OH, OW, F) tensor at element {@code off}. */
        long outputAt(int q, long off) {
            return (off + (((long) image(q) * s.oh() + oy(q)) * s.ow() + ox(q)) * s.f()) << 2;
        }

        /** Where tile {@code q}'s 6 × 6 inputs start in a padded block. */
        int inputAt(int q, PaddedBlock in) {
            return image(q) * in.imageLength() + oy(q) * in.rowLength() + ox(q) * s.c();
        }

        /** The padded block's side for {@code tiles} tiles. */
        static int padded(int tiles) {
            return TILE * tiles + 2;
        }

        static float[] scratch(int slot, int floats) {
            return SCRATCH.atLeast(slot, floats);
        }
    }

    /**
     * {@code y = conv(x)} with the kernel transformed in {@code u}; with {@code pool} (a 2 × 2, stride-2 max pooling over
     * the output, null: none) {@code y} is the pooled output and {@code arg} (null: not kept) its winners, each tile's
     * windows pooled as it is transformed back.
     */
    static void forward(Conv2dShape s, MemorySegment x, long xOff, float[] u, MemorySegment y, long yOff, Conv2dShape pool,
                        MemorySegment arg, long aOff) {
        Tiles t = Tiles.of(s);
        int c = s.c(), f = s.f();
        PaddedBlock in = PaddedBlock.of(s, x, xOff, Tiles.padded(t.rows()), Tiles.padded(t.cols()));
        float[] v = Tiles.scratch(0, PLANES * t.vPlane()), m = Tiles.scratch(1, PLANES * t.mPlane());
        for (int q0 = 0; q0 < t.count(); q0 += t.chunk()) {
            int n = Math.min(t.chunk(), t.count() - q0);
            inputTiles(t, in, q0, n, v);
            // The products split over the threads when this block is all the work (a single image; inside a batch's
            // parallel region this runs on its thread alone): each plane is its own product, so the bits do not change.
            Parallel.forRange(PLANES, PLANES / 2, (from, to) -> {
                for (int xi = (int) from; xi < to; xi++) {
                    multiply(v, xi * t.vPlane(), c, u, xi * c * f, f, m, xi * t.mPlane(), n);
                }
            });
            outputTiles(t, m, q0, n, y, yOff, pool, arg, aOff);
        }
    }

    /** {@code out (rows × n) = a (rows × k) · b (k × n)}, rows rounded up to eight (the rows past are scratch, and unused). */
    private static void multiply(float[] a, int aAt, int k, float[] b, int bAt, int n, float[] out, int outAt, int rows) {
        if (n % (4 * L) == 0) {
            for (int t0 = 0; t0 < rows; t0 += 4) {
                for (int n0 = 0; n0 < n; n0 += 4 * L) fourByFour(a, aAt + t0 * k, k, b, bAt + n0, n, out, outAt + t0 * n + n0);
            }
        } else {
            for (int t0 = 0; t0 < rows; t0 += 8) {
                for (int n0 = 0; n0 < n; n0 += 2 * L) eightByTwo(a, aAt + t0 * k, k, b, bAt + n0, n, out, outAt + t0 * n + n0);
            }
        }
    }

    /**
     * Backward over a block: {@code dU (36, C, F) = Σ_tiles V_ξᵀ · dM_ξ} with {@code dM = A g Aᵀ} into {@code du} (added
     * when {@code accumulate}; none when null), and {@code dx = Σ_tiles B (dM_ξ · U_ξᵀ) Bᵀ}, overwritten, with the kernel
     * transformed and transposed in {@code ut} (36, F, C) (none when null). The gradient tiles are transformed once for both.
     */
    static void backward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff, Conv2dShape pool, MemorySegment arg,
                         long aOff, float[] du, boolean accumulate, float[] ut, MemorySegment dx, long dxOff) {
        Tiles t = Tiles.of(s);
        int c = s.c(), f = s.f(), ph = Tiles.padded(t.rows()), pw = Tiles.padded(t.cols());
        PaddedBlock in = du == null ? null : PaddedBlock.of(s, x, xOff, ph, pw), din = ut == null ? null : PaddedBlock.zeros(s, ph, pw);
        float[] v = Tiles.scratch(0, PLANES * t.vPlane()), dm = Tiles.scratch(1, PLANES * t.mPlane());
        for (int q0 = 0; q0 < t.count(); q0 += t.chunk()) {
            int n = Math.min(t.chunk(), t.count() - q0);
            gradientTiles(t, g, gOff, pool, arg, aOff, q0, n, dm);
            if (du != null) {
                inputTiles(t, in, q0, n, v);
                boolean add = accumulate || q0 > 0;
                for (int xi = 0; xi < PLANES; xi++) {
                    int vAt = xi * t.vPlane(), mAt = xi * t.mPlane(), uAt = xi * c * f;
                    for (int c0 = 0; c0 < c; c0 += 4) {
                        for (int f0 = 0; f0 < f; f0 += 4 * L) fourByFourSums(v, vAt + c0, c, dm, mAt + f0, f, n, du, uAt + c0 * f + f0, add);
                    }
                }
            }
            if (ut != null) {  // dV_ξ = dM_ξ · U_ξᵀ into v (its input tiles are used), then B dV Bᵀ added into the tiles' inputs
                for (int xi = 0; xi < PLANES; xi++) multiply(dm, xi * t.mPlane(), f, ut, xi * f * c, c, v, xi * t.vPlane(), n);
                inputGradientTiles(t, v, q0, n, din);
            }
        }
        if (ut != null) din.cropInto(s, dx, dxOff);
    }

    // The tile transforms below run each 1-D pass over all of a tile's vectors of channels before the next pass reads
    // its results back from a per-thread line buffer, so that no vector is loaded straight after it was stored (the
    // buffer's vectors straddle cache lines, which a store-to-load forward may not cover). Its own effect was not
    // separated from the host's noise; the plane skew above was (Tiles#vPlane).

    /** The line buffer, at least {@code floats} long. */
    private static float[] lines(int floats) {
        return Tiles.scratch(2, floats);
    }

    /** {@code V = Bᵀ d B} of tiles {@code [q0, q0 + n)} into the chunk {@code v}: down the tile's columns, then along its rows. */
    private static void inputTiles(Tiles t, PaddedBlock in, int q0, int n, float[] v) {
        int c = t.s().c(), vector = c - c % L, plane = t.vPlane(), row = in.rowLength();
        float[] d = in.values(), line = lines(PLANES * c);
        for (int q = q0; q < q0 + n; q++) {
            int at = t.inputAt(q, in), out = (q - q0) * c;
            for (int ch = 0; ch < vector; ch += L) {
                for (int j = 0; j < SIDE; j++) inputLine(d, at + ch + j * c, row, line, PLANES * ch + j * L, SIDE * L);
            }
            for (int ch = 0; ch < vector; ch += L) {
                for (int i = 0; i < SIDE; i++) inputLine(line, PLANES * ch + i * SIDE * L, L, v, out + ch + SIDE * i * plane, plane);
            }
            for (int ch = vector; ch < c; ch++) inputTileScalar(d, at + ch, row, c, v, out + ch, plane);
        }
    }

    /**
     * {@code y = Aᵀ M A} of tiles {@code [q0, q0 + n)} from the chunk {@code m}, each tile's outputs inside y's edge stored;
     * with {@code pool}, each of its 2 × 2 windows inside the pooled output pooled instead ({@link Pool2dVector#window}).
     */
    private static void outputTiles(Tiles t, float[] m, int q0, int n, MemorySegment y, long yOff, Conv2dShape pool, MemorySegment arg,
                                    long aOff) {
        Conv2dShape s = t.s();
        int f = s.f(), plane = t.mPlane(), staged = 24 * f;
        float[] line = lines(40 * f);
        for (int q = q0; q < q0 + n; q++) {
            int in = (q - q0) * f;
            for (int f0 = 0; f0 < f; f0 += L) {
                for (int j = 0; j < SIDE; j++) outputLine(m, in + f0 + j * plane, SIDE * plane, line, 24 * f0 + j * L, SIDE * L);
            }
            for (int f0 = 0; f0 < f; f0 += L) {
                for (int r = 0; r < TILE; r++) outputLine(line, 24 * f0 + r * SIDE * L, L, line, staged + 16 * f0 + r * TILE * L, L);
            }
            if (pool != null) {
                poolTile(t, q, line, staged, pool, y, yOff, arg, aOff);
                continue;
            }
            long at = t.outputAt(q, yOff);
            int rows = Math.min(TILE, s.oh() - t.oy(q)), cols = Math.min(TILE, s.ow() - t.ox(q));
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    long to = at + 4L * ((long) r * s.ow() + j) * f;
                    for (int f0 = 0; f0 < f; f0 += L) {
                        FloatVector.fromArray(F, line, staged + 16 * f0 + (r * TILE + j) * L).intoMemorySegment(y, to + 4L * f0, ORDER);
                    }
                }
            }
        }
    }

    /** The 2 × 2 windows of tile {@code q} (its outputs staged in {@code line}) that lie inside the pooled output, pooled. */
    private static void poolTile(Tiles t, int q, float[] line, int staged, Conv2dShape pool, MemorySegment y, long yOff, MemorySegment arg,
                                 long aOff) {
        Conv2dShape s = t.s();
        int f = s.f(), image = t.image(q), oy = t.oy(q), ox = t.ox(q), outRow = s.ow() * f;
        for (int r = 0; r < TILE && (oy + r) / 2 < pool.oh(); r += 2) {
            for (int j = 0; j < TILE && (ox + j) / 2 < pool.ow(); j += 2) {
                long pooled = (((long) image * pool.oh() + (oy + r) / 2) * pool.ow() + (ox + j) / 2) * f;
                int w = ((image * s.oh() + oy + r) * s.ow() + ox + j) * f;  // the window's first output, flat
                for (int f0 = 0; f0 < f; f0 += L) {
                    int i = staged + 16 * f0 + (r * TILE + j) * L;
                    Pool2dVector.window(line, i, i + L, i + TILE * L, i + (TILE + 1) * L, w + f0, w + f + f0, w + outRow + f0,
                            w + outRow + f + f0, y, (yOff + pooled + f0) << 2, arg, (aOff + pooled + f0) << 2);
                }
            }
        }
    }

    /**
     * {@code dM = A g Aᵀ} of tiles {@code [q0, q0 + n)} into the chunk {@code dm}, g read as zeros past the outputs' edge;
     * with {@code pool}, g is the pooled gradient, routed in each tile to its windows' winners ({@link Pool2dVector#windowGradient}).
     */
    private static void gradientTiles(Tiles t, MemorySegment g, long gOff, Conv2dShape pool, MemorySegment arg, long aOff, int q0, int n,
                                      float[] dm) {
        Conv2dShape s = t.s();
        int f = s.f(), staged = 24 * f, plane = t.mPlane();
        float[] line = lines(40 * f);
        for (int q = q0; q < q0 + n; q++) {
            if (pool != null) {
                unpoolTile(t, q, g, gOff, pool, arg, aOff, line, staged);
            } else {
                long at = t.outputAt(q, gOff);
                int rows = Math.min(TILE, s.oh() - t.oy(q)), cols = Math.min(TILE, s.ow() - t.ox(q));
                // zeros filled, not chosen per vector: a vector from either of two branches is boxed
                if (rows < TILE || cols < TILE) Arrays.fill(line, staged, staged + 16 * f, 0f);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        long from = at + 4L * ((long) r * s.ow() + j) * f;
                        for (int f0 = 0; f0 < f; f0 += L) {
                            FloatVector.fromMemorySegment(F, g, from + 4L * f0, ORDER).intoArray(line, staged + 16 * f0 + (r * TILE + j) * L);
                        }
                    }
                }
            }
            for (int f0 = 0; f0 < f; f0 += L) {
                for (int j = 0; j < TILE; j++) gradientLine(line, staged + 16 * f0 + j * L, TILE * L, line, 24 * f0 + j * L, TILE * L);
            }
            int out = (q - q0) * f;
            for (int f0 = 0; f0 < f; f0 += L) {
                for (int i = 0; i < SIDE; i++) gradientLine(line, 24 * f0 + i * TILE * L, L, dm, out + f0 + SIDE * i * plane, plane);
            }
        }
    }

    /** Tile {@code q}'s output gradient staged in {@code line} from the pooled gradient: its windows' winners get it, the rest zeros. */
    private static void unpoolTile(Tiles t, int q, MemorySegment dy, long dyOff, Conv2dShape pool, MemorySegment arg, long aOff, float[] line,
                                   int staged) {
        Conv2dShape s = t.s();
        int f = s.f(), image = t.image(q), oy = t.oy(q), ox = t.ox(q), outRow = s.ow() * f;
        if (oy + TILE > 2 * pool.oh() || ox + TILE > 2 * pool.ow()) Arrays.fill(line, staged, staged + 16 * f, 0f);  // outputs no window covers
        for (int r = 0; r < TILE && (oy + r) / 2 < pool.oh(); r += 2) {
            for (int j = 0; j < TILE && (ox + j) / 2 < pool.ow(); j += 2) {
                long pooled = (((long) image * pool.oh() + (oy + r) / 2) * pool.ow() + (ox + j) / 2) * f;
                int w = ((image * s.oh() + oy + r) * s.ow() + ox + j) * f;
                for (int f0 = 0; f0 < f; f0 += L) {
                    int i = staged + 16 * f0 + (r * TILE + j) * L;
                    Pool2dVector.windowGradient(dy, (dyOff + pooled + f0) << 2, arg, (aOff + pooled + f0) << 2, w + f0, w + f + f0,
                            w + outRow + f0, w + outRow + f + f0, line, i, i + L, i + TILE * L, i + (TILE + 1) * L);
                }
            }
        }
    }

    /** {@code B dV Bᵀ} of tiles {@code [q0, q0 + n)} from the chunk {@code dv}, added into each tile's 6 × 6 inputs in {@code din}. */
    private static void inputGradientTiles(Tiles t, float[] dv, int q0, int n, PaddedBlock din) {
        int c = t.s().c(), plane = t.vPlane(), row = din.rowLength();
        float[] d = din.values(), line = lines(PLANES * c);
        for (int q = q0; q < q0 + n; q++) {
            int in = (q - q0) * c, at = t.inputAt(q, din);
            for (int ch = 0; ch < c; ch += L) {
                for (int j = 0; j < SIDE; j++) inputGradientLine(dv, in + ch + j * plane, SIDE * plane, line, PLANES * ch + j * L, SIDE * L, false);
            }
            for (int ch = 0; ch < c; ch += L) {
                for (int i = 0; i < SIDE; i++) inputGradientLine(line, PLANES * ch + i * SIDE * L, L, d, at + ch + i * row, c, true);
            }
        }
    }

    /** {@code Bᵀ} on six vectors from {@code src} ({@code step} apart) into {@code dst} ({@code dstStep} apart). */
    private static void inputLine(float[] src, int at, int step, float[] dst, int out, int dstStep) {
        FloatVector d0 = FloatVector.fromArray(F, src, at), d1 = FloatVector.fromArray(F, src, at + step);
        FloatVector d2 = FloatVector.fromArray(F, src, at + 2 * step), d3 = FloatVector.fromArray(F, src, at + 3 * step);
        FloatVector d4 = FloatVector.fromArray(F, src, at + 4 * step), d5 = FloatVector.fromArray(F, src, at + 5 * step);
        FloatVector four = FloatVector.broadcast(F, 4f), minusFour = FloatVector.broadcast(F, -4f), minusFive = FloatVector.broadcast(F, -5f);
        FloatVector a = d2.fma(minusFour, d4), b = d1.fma(minusFour, d3), e = d4.sub(d2), h = d3.sub(d1);
        h = h.add(h);
        d0.fma(four, d2.fma(minusFive, d4)).intoArray(dst, out);
        a.add(b).intoArray(dst, out + dstStep);
        a.sub(b).intoArray(dst, out + 2 * dstStep);
        e.add(h).intoArray(dst, out + 3 * dstStep);
        e.sub(h).intoArray(dst, out + 4 * dstStep);
        d1.fma(four, d3.fma(minusFive, d5)).intoArray(dst, out + 5 * dstStep);
    }

    /** {@link #inputTiles} for one channel past the last whole vector, by the definition of {@code Bᵀ d B}. */
    private static void inputTileScalar(float[] d, int at, int row, int c, float[] v, int out, int plane) {
        for (int i = 0; i < SIDE; i++) {
            for (int j = 0; j < SIDE; j++) {
                float sum = 0;
                for (int a = 0; a < SIDE; a++) {
                    for (int b = 0; b < SIDE; b++) sum += BT[i][a] * d[at + a * row + b * c] * BT[j][b];
                }
                v[(SIDE * i + j) * plane + out] = sum;
            }
        }
    }

    /** {@code Aᵀ} on six vectors: (m0 + m1 + m2 + m3 + m4, m1 − m2 + 2(m3 − m4), m1 + m2 + 4(m3 + m4), m1 − m2 + 8(m3 − m4) + m5). */
    private static void outputLine(float[] src, int at, int step, float[] dst, int out, int dstStep) {
        FloatVector m0 = FloatVector.fromArray(F, src, at), m1 = FloatVector.fromArray(F, src, at + step);
        FloatVector m2 = FloatVector.fromArray(F, src, at + 2 * step), m3 = FloatVector.fromArray(F, src, at + 3 * step);
        FloatVector m4 = FloatVector.fromArray(F, src, at + 4 * step), m5 = FloatVector.fromArray(F, src, at + 5 * step);
        FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
        m0.add(s12).add(s34).intoArray(dst, out);
        d34.fma(FloatVector.broadcast(F, 2f), d12).intoArray(dst, out + dstStep);
        s34.fma(FloatVector.broadcast(F, 4f), s12).intoArray(dst, out + 2 * dstStep);
        d34.fma(FloatVector.broadcast(F, 8f), d12).add(m5).intoArray(dst, out + 3 * dstStep);
    }

    /** {@code A} on four vectors: (g0, g0 + g1 + g2 + g3, g0 − g1 + g2 − g3, g0 + 2g1 + 4g2 + 8g3, g0 − 2g1 + 4g2 − 8g3, g3). */
    private static void gradientLine(float[] src, int at, int step, float[] dst, int out, int dstStep) {
        FloatVector g0 = FloatVector.fromArray(F, src, at), g1 = FloatVector.fromArray(F, src, at + step);
        FloatVector g2 = FloatVector.fromArray(F, src, at + 2 * step), g3 = FloatVector.fromArray(F, src, at + 3 * step);
        FloatVector four = FloatVector.broadcast(F, 4f);
        FloatVector e = g0.add(g2), o = g1.add(g3), e4 = g2.fma(four, g0), o4 = g3.fma(four, g1);
        o4 = o4.add(o4);
        g0.intoArray(dst, out);
        e.add(o).intoArray(dst, out + dstStep);
        e.sub(o).intoArray(dst, out + 2 * dstStep);
        e4.add(o4).intoArray(dst, out + 3 * dstStep);
        e4.sub(o4).intoArray(dst, out + 4 * dstStep);
        g3.intoArray(dst, out + 5 * dstStep);
    }

    /**
     * {@code B} on six vectors: (4v0, −4(v1 − v2) − 2(v3 − v4) + 4v5, −5v0 − 4(v1 + v2) − (v3 + v4),
     * (v1 − v2) + 2(v3 − v4) − 5v5, v0 + v1 + v2 + v3 + v4, v5), stored or, when {@code add}, added.
     */
    private static void inputGradientLine(float[] src, int at, int step, float[] dst, int out, int dstStep, boolean add) {
        FloatVector v0 = FloatVector.fromArray(F, src, at), v1 = FloatVector.fromArray(F, src, at + step);
        FloatVector v2 = FloatVector.fromArray(F, src, at + 2 * step), v3 = FloatVector.fromArray(F, src, at + 3 * step);
        FloatVector v4 = FloatVector.fromArray(F, src, at + 4 * step), v5 = FloatVector.fromArray(F, src, at + 5 * step);
        FloatVector four = FloatVector.broadcast(F, 4f), five = FloatVector.broadcast(F, 5f), two = FloatVector.broadcast(F, 2f);
        FloatVector s12 = v1.add(v2), d12 = v1.sub(v2), s34 = v3.add(v4), d34 = v3.sub(v4);
        FloatVector r0 = v0.mul(four), r1 = v5.sub(d12).fma(four, d34.mul(-2f)), r2 = v0.fma(five, s12.fma(four, s34)).neg();
        FloatVector r3 = d34.fma(two, d12).sub(v5.mul(five)), r4 = v0.add(s12).add(s34);
        if (add) {
            r0 = r0.add(FloatVector.fromArray(F, dst, out));
            r1 = r1.add(FloatVector.fromArray(F, dst, out + dstStep));
            r2 = r2.add(FloatVector.fromArray(F, dst, out + 2 * dstStep));
            r3 = r3.add(FloatVector.fromArray(F, dst, out + 3 * dstStep));
            r4 = r4.add(FloatVector.fromArray(F, dst, out + 4 * dstStep));
            v5 = v5.add(FloatVector.fromArray(F, dst, out + 5 * dstStep));
        }
        r0.intoArray(dst, out);
        r1.intoArray(dst, out + dstStep);
        r2.intoArray(dst, out + 2 * dstStep);
        r3.intoArray(dst, out + 3 * dstStep);
        r4.intoArray(dst, out + 4 * dstStep);
        v5.intoArray(dst, out + 5 * dstStep);
    }

    /**
     * {@code U = G k Gᵀ} for a kernel (3, 3, P, Q) at {@code kOff}, laid out (36, P, Q), a vector of its P·Q positions at
     * a time ({@code plane} = P·Q, a multiple of L; the input gradient's kernel comes already transposed to (3, 3, F, C)).
     */
    static float[] transformKernel(int plane, MemorySegment k, long kOff, float[] u) {
        float[] raw = new float[9 * plane];
        MemorySegment.copy(k, JAVA_FLOAT_UNALIGNED, kOff << 2, raw, 0, raw.length);  // in bulk: element reads from the segment cost 10×
        return transformKernel(plane, raw, u);
    }

    /** {@link #transformKernel(int, MemorySegment, long, float[])} from the kernel already in an array. */
    static float[] transformKernel(int plane, float[] raw, float[] u) {
        float[] line = new float[SIDE * 3 * L];
        for (int i = 0; i < plane; i += L) {
            for (int j = 0; j < 3; j++) kernelLine(raw, i + j * plane, 3 * plane, line, j * L, 3 * L);
            for (int r = 0; r < SIDE; r++) kernelLine(line, r * 3 * L, L, u, i + SIDE * r * plane, plane);
        }
        return u;
    }

    /** {@code G} on three vectors: (k0/4, −(k0 + k1 + k2)/6, −(k0 − k1 + k2)/6, (k0 + 2k1 + 4k2)/24, (k0 − 2k1 + 4k2)/24, k2). */
    private static void kernelLine(float[] src, int at, int step, float[] dst, int out, int dstStep) {
        FloatVector k0 = FloatVector.fromArray(F, src, at), k1 = FloatVector.fromArray(F, src, at + step), k2 = FloatVector.fromArray(F, src, at + 2 * step);
        FloatVector e = k0.add(k2), e4 = k2.fma(FloatVector.broadcast(F, 4f), k0), o = k1.add(k1);
        k0.mul(0.25f).intoArray(dst, out);
        e.add(k1).mul(-1f / 6).intoArray(dst, out + dstStep);
        k1.sub(e).mul(1f / 6).intoArray(dst, out + 2 * dstStep);
        e4.add(o).mul(1f / 24).intoArray(dst, out + 3 * dstStep);
        e4.sub(o).mul(1f / 24).intoArray(dst, out + 4 * dstStep);
        k2.intoArray(dst, out + 5 * dstStep);
    }

    /** {@code dk (3, 3, C, F) = Gᵀ dU G}, written to {@code dk} at {@code dkOff}, a vector of the C·F positions at a time. */
    static void kernelGradient(Conv2dShape s, float[] du, MemorySegment dk, long dkOff) {
        int plane = s.c() * s.f();
        float[] out = Tiles.scratch(3, 9 * plane), line = new float[3 * SIDE * L];
        for (int i = 0; i < plane; i += L) {
            for (int j = 0; j < SIDE; j++) kernelGradientLine(du, i + j * plane, SIDE * plane, line, j * L, SIDE * L);
            for (int r = 0; r < 3; r++) kernelGradientLine(line, r * SIDE * L, L, out, i + 3 * r * plane, plane);
        }
        MemorySegment.copy(out, 0, dk, JAVA_FLOAT_UNALIGNED, dkOff << 2, 9 * plane);
    }

    /** {@code Gᵀ} on six vectors: (u0/4 − (u1 + u2)/6 + (u3 + u4)/24, (u2 − u1)/6 + (u3 − u4)/12, (u3 + u4 − u1 − u2)/6 + u5). */
    private static void kernelGradientLine(float[] src, int at, int step, float[] dst, int out, int dstStep) {
        FloatVector u0 = FloatVector.fromArray(F, src, at), u1 = FloatVector.fromArray(F, src, at + step);
        FloatVector u2 = FloatVector.fromArray(F, src, at + 2 * step), u3 = FloatVector.fromArray(F, src, at + 3 * step);
        FloatVector u4 = FloatVector.fromArray(F, src, at + 4 * step), u5 = FloatVector.fromArray(F, src, at + 5 * step);
        FloatVector s12 = u1.add(u2), s34 = u3.add(u4);
        u0.mul(0.25f).add(s34.mul(1f / 24)).sub(s12.mul(1f / 6)).intoArray(dst, out);
        u2.sub(u1).mul(1f / 6).add(u3.sub(u4).mul(1f / 12)).intoArray(dst, out + dstStep);
        s34.sub(s12).mul(1f / 6).add(u5).intoArray(dst, out + 2 * dstStep);
    }

    /** Four rows of {@code a} (stride {@code k}) times four vectors of {@code b}'s columns (stride {@code n}) into out. */
    private static void fourByFour(float[] a, int aAt, int k, float[] b, int bAt, int n, float[] out, int outAt) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int ch = 0, bo = bAt; ch < k; ch++, bo += n) {
            FloatVector k0 = FloatVector.fromArray(F, b, bo);
            FloatVector k1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector k2 = FloatVector.fromArray(F, b, bo + 2 * L);
            FloatVector k3 = FloatVector.fromArray(F, b, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(F, a[aAt + ch]);
            a00 = k0.fma(x, a00);
            a01 = k1.fma(x, a01);
            a02 = k2.fma(x, a02);
            a03 = k3.fma(x, a03);
            x = FloatVector.broadcast(F, a[aAt + k + ch]);
            a10 = k0.fma(x, a10);
            a11 = k1.fma(x, a11);
            a12 = k2.fma(x, a12);
            a13 = k3.fma(x, a13);
            x = FloatVector.broadcast(F, a[aAt + 2 * k + ch]);
            a20 = k0.fma(x, a20);
            a21 = k1.fma(x, a21);
            a22 = k2.fma(x, a22);
            a23 = k3.fma(x, a23);
            x = FloatVector.broadcast(F, a[aAt + 3 * k + ch]);
            a30 = k0.fma(x, a30);
            a31 = k1.fma(x, a31);
            a32 = k2.fma(x, a32);
            a33 = k3.fma(x, a33);
        }
        a00.intoArray(out, outAt);
        a01.intoArray(out, outAt + L);
        a02.intoArray(out, outAt + 2 * L);
        a03.intoArray(out, outAt + 3 * L);
        a10.intoArray(out, outAt + n);
        a11.intoArray(out, outAt + n + L);
        a12.intoArray(out, outAt + n + 2 * L);
        a13.intoArray(out, outAt + n + 3 * L);
        a20.intoArray(out, outAt + 2 * n);
        a21.intoArray(out, outAt + 2 * n + L);
        a22.intoArray(out, outAt + 2 * n + 2 * L);
        a23.intoArray(out, outAt + 2 * n + 3 * L);
        a30.intoArray(out, outAt + 3 * n);
        a31.intoArray(out, outAt + 3 * n + L);
        a32.intoArray(out, outAt + 3 * n + 2 * L);
        a33.intoArray(out, outAt + 3 * n + 3 * L);
    }

    /** Eight rows of {@code a} times two vectors of {@code b}'s columns: columns in pairs of vectors, not fours. */
    private static void eightByTwo(float[] a, int aAt, int k, float[] b, int bAt, int n, float[] out, int outAt) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FloatVector a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
        for (int ch = 0, bo = bAt; ch < k; ch++, bo += n) {
            FloatVector k0 = FloatVector.fromArray(F, b, bo);
            FloatVector k1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector x = FloatVector.broadcast(F, a[aAt + ch]);
            a00 = k0.fma(x, a00);
            a01 = k1.fma(x, a01);
            x = FloatVector.broadcast(F, a[aAt + k + ch]);
            a10 = k0.fma(x, a10);
            a11 = k1.fma(x, a11);
            x = FloatVector.broadcast(F, a[aAt + 2 * k + ch]);
            a20 = k0.fma(x, a20);
            a21 = k1.fma(x, a21);
            x = FloatVector.broadcast(F, a[aAt + 3 * k + ch]);
            a30 = k0.fma(x, a30);
            a31 = k1.fma(x, a31);
            x = FloatVector.broadcast(F, a[aAt + 4 * k + ch]);
            a40 = k0.fma(x, a40);
            a41 = k1.fma(x, a41);
            x = FloatVector.broadcast(F, a[aAt + 5 * k + ch]);
            a50 = k0.fma(x, a50);
            a51 = k1.fma(x, a51);
            x = FloatVector.broadcast(F, a[aAt + 6 * k + ch]);
            a60 = k0.fma(x, a60);
            a61 = k1.fma(x, a61);
            x = FloatVector.broadcast(F, a[aAt + 7 * k + ch]);
            a70 = k0.fma(x, a70);
            a71 = k1.fma(x, a71);
        }
        a00.intoArray(out, outAt);
        a01.intoArray(out, outAt + L);
        a10.intoArray(out, outAt + n);
        a11.intoArray(out, outAt + n + L);
        a20.intoArray(out, outAt + 2 * n);
        a21.intoArray(out, outAt + 2 * n + L);
        a30.intoArray(out, outAt + 3 * n);
        a31.intoArray(out, outAt + 3 * n + L);
        a40.intoArray(out, outAt + 4 * n);
        a41.intoArray(out, outAt + 4 * n + L);
        a50.intoArray(out, outAt + 5 * n);
        a51.intoArray(out, outAt + 5 * n + L);
        a60.intoArray(out, outAt + 6 * n);
        a61.intoArray(out, outAt + 6 * n + L);
        a70.intoArray(out, outAt + 7 * n);
        a71.intoArray(out, outAt + 7 * n + L);
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
