package dev.panamax.kernels.activation;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * A bias and GELU in one pass each way, over rows of {@code cols} values ({@link Gelu}'s two forms and formulas):
 * <pre>
 * forward:  y[r,c] = gelu(x[r,c] + b[c])
 * backward: dx[r,c] = g[r,c]·gelu'(x[r,c] + b[c])      db[c] = Σ_r dx[r,c]
 * </pre>
 * The biased sum is never stored: the forward reads {@code x} once and writes {@code y}, the backward recomputes it
 * and sums the bias gradient as it writes {@code dx} (separately, a bias add and a GELU are two passes forward, and
 * the GELU's gradient is read again for the bias's). Row-major and contiguous, offsets in elements; outputs never
 * alias inputs. F32 ({@code width} 4) runs the Vector API on native segments (scalar F32 twin otherwise and for
 * tails), F64 the scalar twin. Forward rows and backward column blocks (whole cache lines) are split over the kernel
 * threads; each column's {@code db} sums its rows in order on one thread, so results do not depend on the split.
 */
public final class BiasGelu {
    /** Elements per task below which splitting costs more than it saves. */
    private static final long GRAIN = 1 << 14;
    /** Floats per 64-byte cache line: the unit of the backward's column split. */
    private static final long LINE = 16;

    private BiasGelu() {}

    public static void forward(int width, boolean tanh, MemorySegment y, long yo, MemorySegment x, long xo, MemorySegment bias, long bo,
                               long rows, long cols) {
        boolean vector = width == 4 && Simd.ENABLED && y.isNative() && x.isNative() && bias.isNative();
        long grain = Math.max(1, GRAIN / Math.max(1, cols));
        if (rows < 2 * grain || Parallel.THREADS == 1) {  // no task objects for small work
            forwardRows(width, vector, tanh, y, yo, x, xo, bias, bo, 0, rows, cols);
            return;
        }
        Parallel.forRange(rows, grain, (from, to) -> forwardRows(width, vector, tanh, y, yo, x, xo, bias, bo, from, to, cols));
    }

    public static void backward(int width, boolean tanh, MemorySegment dx, long dxo, MemorySegment db, long dbo, MemorySegment g, long go,
                                MemorySegment x, long xo, MemorySegment bias, long bo, long rows, long cols) {
        boolean vector = width == 4 && Simd.ENABLED && dx.isNative() && db.isNative() && g.isNative() && x.isNative() && bias.isNative();
        db.asSlice(dbo * width, cols * width).fill((byte) 0);
        long blocks = (cols + LINE - 1) / LINE;
        if (blocks < 2 || rows * cols < 2 * GRAIN || Parallel.THREADS == 1) {
            backwardColumns(width, vector, tanh, dx, dxo, db, dbo, g, go, x, xo, bias, bo, rows, cols, 0, cols);
            return;
        }
        Parallel.forRange(blocks, 1, (b0, b1) -> backwardColumns(width, vector, tanh, dx, dxo, db, dbo, g, go, x, xo, bias, bo, rows, cols,
                b0 * LINE, Math.min(cols, b1 * LINE)));
    }

    private static void forwardRows(int width, boolean vector, boolean tanh, MemorySegment y, long yo, MemorySegment x, long xo,
                                    MemorySegment bias, long bo, long from, long to, long cols) {
        if (vector && cols % Vector.L == 0) {  // whole vectors in every row: one loop over the rows' elements
            Vector.forwardFlat(tanh, y, yo, x, xo, bias, bo, from * cols, to * cols, cols);
            return;
        }
        for (long r = from; r < to; r++) {
            long xr = xo + r * cols, yr = yo + r * cols, c = vector ? Vector.forwardRow(tanh, y, yr, x, xr, bias, bo, cols) : 0;
            for (; c < cols; c++) {
                if (width == 8) y.setAtIndex(JAVA_DOUBLE_UNALIGNED, yr + c, Gelu.valueF64(tanh, d(x, xr + c) + d(bias, bo + c)));
                else y.setAtIndex(JAVA_FLOAT_UNALIGNED, yr + c, Gelu.valueF32(tanh, f(x, xr + c) + f(bias, bo + c)));
            }
        }
    }

    /** Columns {@code [c0, c1)} of every row, the rows in order. */
    private static void backwardColumns(int width, boolean vector, boolean tanh, MemorySegment dx, long dxo, MemorySegment db, long dbo,
                                        MemorySegment g, long go, MemorySegment x, long xo, MemorySegment bias, long bo, long rows, long cols,
                                        long c0, long c1) {
        long scalarFrom = vector ? Vector.backwardColumns(tanh, dx, dxo, db, dbo, g, go, x, xo, bias, bo, rows, cols, c0, c1) : c0;
        for (long r = 0; r < rows; r++) {
            long off = r * cols;
            for (long c = scalarFrom; c < c1; c++) {
                if (width == 8) {
                    double v = d(g, go + off + c) * Gelu.slopeF64(tanh, d(x, xo + off + c) + d(bias, bo + c));
                    dx.setAtIndex(JAVA_DOUBLE_UNALIGNED, dxo + off + c, v);
                    db.setAtIndex(JAVA_DOUBLE_UNALIGNED, dbo + c, d(db, dbo + c) + v);
                } else {
                    float v = f(g, go + off + c) * Gelu.slopeF32(tanh, f(x, xo + off + c) + f(bias, bo + c));
                    dx.setAtIndex(JAVA_FLOAT_UNALIGNED, dxo + off + c, v);
                    db.setAtIndex(JAVA_FLOAT_UNALIGNED, dbo + c, f(db, dbo + c) + v);
                }
            }
        }
    }

    private static double d(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_DOUBLE_UNALIGNED, i);
    }

    private static float f(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    /** The Vector API path; loaded only when {@link Simd#ENABLED}. */
    private static final class Vector {
        private static final int L = Gelu.Vector.L;
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        private static FloatVector load(MemorySegment s, long i) {
            return FloatVector.fromMemorySegment(Gelu.Vector.S, s, i << 2, ORDER);
        }

        /**
         * Elements {@code [from, to)} of rows whose length {@code cols} is a multiple of the lane count, as one loop: a
         * decoding step's single row and a prompt's several run the same loop, so neither meets code compiled for the
         * other's iteration counts (a row loop compiled for one row traps on the second and falls back to the
         * interpreter until recompiled, which a generation's first token paid).
         */
        static void forwardFlat(boolean tanh, MemorySegment y, long yo, MemorySegment x, long xo, MemorySegment bias, long bo, long from,
                                long to, long cols) {
            for (long i = from; i < to; i += L) {
                Gelu.Vector.value(tanh, load(x, xo + i).add(load(bias, bo + i % cols))).intoMemorySegment(y, (yo + i) << 2, ORDER);
            }
        }

        /** The whole vectors of one row; returns the first column left to the scalar loop. */
        static long forwardRow(boolean tanh, MemorySegment y, long yr, MemorySegment x, long xr, MemorySegment bias, long bo, long cols) {
            long c = 0;
            for (; c + L <= cols; c += L) {
                Gelu.Vector.value(tanh, load(x, xr + c).add(load(bias, bo + c))).intoMemorySegment(y, (yr + c) << 2, ORDER);
            }
            return c;
        }

        /**
         * The whole vectors of columns {@code [c0, c1)}, the rows in order; returns the first column left. One vector of
         * columns at a time down all the rows, its bias and its bias-gradient sum in registers (a sum read and written
         * back per row cost more than the GELU itself); the next vector's rows are then still in cache.
         */
        static long backwardColumns(boolean tanh, MemorySegment dx, long dxo, MemorySegment db, long dbo, MemorySegment g, long go,
                                    MemorySegment x, long xo, MemorySegment bias, long bo, long rows, long cols, long c0, long c1) {
            long c = c0;
            for (; c + L <= c1; c += L) {
                FloatVector b = load(bias, bo + c), sum = FloatVector.zero(Gelu.Vector.S);
                for (long r = 0, at = c; r < rows; r++, at += cols) {
                    FloatVector v = load(g, go + at).mul(Gelu.Vector.slope(tanh, load(x, xo + at).add(b)));
                    v.intoMemorySegment(dx, (dxo + at) << 2, ORDER);
                    sum = sum.add(v);
                }
                sum.intoMemorySegment(db, (dbo + c) << 2, ORDER);
            }
            return c;
        }
    }
}
