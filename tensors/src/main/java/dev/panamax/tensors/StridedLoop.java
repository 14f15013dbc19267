package dev.panamax.tensors;

import dev.panamax.kernels.Parallel;

/**
 * Walks several strided operands of one logical shape together, handing contiguous-in-index runs ("rows",
 * cut into chunks of at most {@link #CHUNK} elements) to a body. Adjacent dimensions that are laid out
 * alike in every operand are merged first, so contiguous tensors become one long row and the body sees the
 * biggest runs the layout allows. Chunks are split across cores when there are enough elements.
 */
final class StridedLoop {
    /** Most elements one body call receives: small enough that per-thread scratch stays in L1/L2. */
    static final int CHUNK = 4096;
    /** Fewest elements worth handing to another core. */
    static final long PARALLEL_GRAIN = 1 << 15;

    /** Body of the loop: one run of {@code n} elements starting at element offsets {@code off[k]}. */
    @FunctionalInterface
    interface Body {
        void run(long[] off, long n);
    }

    private final long[] outer;        // sizes of the outer (merged) dimensions
    private final long[][] outerStride; // [operand][dim]
    private final long inner;          // length of a row
    final long[] innerStride;          // [operand]
    private final long[] base;         // [operand] starting offsets
    private final long rows;

    private StridedLoop(long[] outer, long[][] outerStride, long inner, long[] innerStride, long[] base) {
        this.outer = outer;
        this.outerStride = outerStride;
        this.inner = inner;
        this.innerStride = innerStride;
        this.base = base;
        long r = 1;
        for (long d : outer) r *= d;
        this.rows = inner == 0 ? 0 : r;
    }

    /** A loop over {@code shape}; operand {@code k} starts at {@code base[k]} with {@code strides[k]}. */
    static StridedLoop of(long[] shape, long[] base, long[]... strides) {
        int ops = strides.length;
        int rank = shape.length;
        long[] dims = new long[rank];
        long[][] st = new long[ops][rank];
        int n = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 0) return new StridedLoop(new long[0], new long[ops][0], 0, new long[ops], base);
            if (shape[d] == 1) continue;
            if (n > 0 && mergeable(st, n - 1, dims[n - 1], strides, d, shape[d])) {
                dims[n - 1] *= shape[d];
                for (int k = 0; k < ops; k++) st[k][n - 1] = strides[k][d];
                continue;
            }
            dims[n] = shape[d];
            for (int k = 0; k < ops; k++) st[k][n] = strides[k][d];
            n++;
        }
        if (n == 0) return new StridedLoop(new long[0], new long[ops][0], 1, new long[ops], base);
        long[] outer = java.util.Arrays.copyOf(dims, n - 1);
        long[][] os = new long[ops][];
        long[] is = new long[ops];
        for (int k = 0; k < ops; k++) {
            os[k] = java.util.Arrays.copyOf(st[k], n - 1);
            is[k] = st[k][n - 1];
        }
        return new StridedLoop(outer, os, dims[n - 1], is, base);
    }

    /** Dimension d can fold into the previous merged one when every operand steps through both as one. */
    private static boolean mergeable(long[][] st, int prev, long prevSize, long[][] strides, int d, long size) {
        for (int k = 0; k < st.length; k++) {
            if (st[k][prev] != strides[k][d] * size) return false;
        }
        return true;
    }

    long totalElements() {
        return rows * inner;
    }

    /** Runs {@code body} over every element, in parallel when large. */
    void run(Body body) {
        if (rows == 0) return;
        long chunksPerRow = (inner + CHUNK - 1) / CHUNK;
        long tasks = rows * chunksPerRow;
        long perTask = Math.min(inner, CHUNK);
        long grain = Math.max(1, PARALLEL_GRAIN / perTask);
        Parallel.forRange(tasks, grain, (from, to) -> {
            long[] rowOff = new long[base.length], off = new long[base.length];
            long[] idx = new long[outer.length];
            long row = from / chunksPerRow;
            rowOffsets(row, rowOff, idx);
            for (long t = from; t < to; t++) {
                long r = t / chunksPerRow;
                if (r != row) {
                    nextRow(rowOff, idx);  // consecutive tasks walk consecutive rows: step the odometer
                    row = r;
                }
                long start = (t % chunksPerRow) * CHUNK;
                for (int k = 0; k < off.length; k++) off[k] = rowOff[k] + start * innerStride[k];
                body.run(off, Math.min(CHUNK, inner - start));
            }
        });
    }

    /** Offsets of row {@code row}'s first element, and its index along each outer dimension. */
    private void rowOffsets(long row, long[] off, long[] idx) {
        System.arraycopy(base, 0, off, 0, base.length);
        for (int d = outer.length - 1; d >= 0; d--) {
            idx[d] = row % outer[d];
            row /= outer[d];
            for (int k = 0; k < off.length; k++) off[k] += idx[d] * outerStride[k][d];
        }
    }

    /** Advances to the next row: increments the last outer index, carrying like an odometer. */
    private void nextRow(long[] off, long[] idx) {
        for (int d = outer.length - 1; d >= 0; d--) {
            idx[d]++;
            for (int k = 0; k < off.length; k++) off[k] += outerStride[k][d];
            if (idx[d] < outer[d]) return;
            for (int k = 0; k < off.length; k++) off[k] -= idx[d] * outerStride[k][d];
            idx[d] = 0;
        }
    }

}
