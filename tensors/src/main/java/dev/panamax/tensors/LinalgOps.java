package dev.panamax.tensors;

import dev.panamax.kernels.Parallel;


/** Matrix products with NumPy's {@code matmul} rules, on the tensors' {@link Backend} GEMM. */
final class LinalgOps {
    private LinalgOps() {}

    static Tensor matmul(Tensor a, Tensor b) {
        a.checkOpen("matmul");
        b.checkOpen("matmul");
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least one dimension, got " + a.describe()
                    + " and " + b.describe() + " (use mul for scalars)");
        }
        if (a.dtype() != b.dtype() || !a.dtype().isFloating()) {
            throw new IllegalArgumentException("matmul: needs two F32 or two F64 operands, got " + a.describe() + " and "
                    + b.describe() + "; convert with to(DType.F32)");
        }
        Tensor direct = matmul2d(a, b);
        if (direct != null) return direct;
        // 1-D operands become a row (left) or a column (right), removed again from the result.
        boolean rowVec = a.rank() == 1, colVec = b.rank() == 1;
        try (Tensor a2 = rowVec ? a.unsqueeze(0) : a.view(a.shape(), a.strides(), a.offset());
             Tensor b2 = colVec ? b.unsqueeze(1) : b.view(b.shape(), b.strides(), b.offset())) {
            long m = a2.dim(-2), k = a2.dim(-1), k2 = b2.dim(-2), n = b2.dim(-1);
            if (k != k2) {
                throw new IllegalArgumentException("matmul: inner dimensions differ: " + a.describe() + " @ " + b.describe()
                        + " (" + k + " vs " + k2 + ")");
            }
            long[] batchA = java.util.Arrays.copyOf(a2.shape(), a2.rank() - 2);
            long[] batchB = java.util.Arrays.copyOf(b2.shape(), b2.rank() - 2);
            long[] batch = Shape.broadcast("matmul (batch dimensions)", batchA, batchB);
            long[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
            outShape[batch.length] = m;
            outShape[batch.length + 1] = n;
            try (Tensor out = Tensor.empty(a.dtype(), outShape);
                 Tensor ae = a2.expand(concat(batch, m, k)); Tensor be = b2.expand(concat(batch, k, n));
                 Tensor ac = gemmReady(ae); Tensor bc = gemmReady(be)) {
                int batches = Math.toIntExact(Shape.numel(batch));
                boolean ta = transposed(ac), tb = transposed(bc);
                long lda = leading(ac), ldb = leading(bc);
                long[] aOffs = new long[batches], bOffs = new long[batches], cOffs = new long[batches];
                for (int i = 0; i < batches; i++) {
                    aOffs[i] = ac.offset() + batchOffset(ac, i, batch.length);
                    bOffs[i] = bc.offset() + batchOffset(bc, i, batch.length);
                    cOffs[i] = i * m * n;
                }
                if (a.dtype() == DType.F32) {
                    Backend.of(out).sgemmBatched(ta, tb, (int) m, (int) n, (int) k, 1f, ac.segment(), aOffs, lda, bc.segment(), bOffs,
                            ldb, 0f, out.segment(), cOffs, n);
                } else {
                    for (int i = 0; i < batches; i++) {
                        Backend.of(out).dgemm(ta, tb, (int) m, (int) n, (int) k, 1.0, ac.segment(), aOffs[i], lda, bc.segment(),
                                bOffs[i], ldb, 0.0, out.segment(), cOffs[i], n);
                    }
                }
                long[] finalShape = outShape;
                if (rowVec) finalShape = ShapeOps.remove(finalShape, finalShape.length - 2);
                if (colVec) finalShape = ShapeOps.remove(finalShape, finalShape.length - 1);
                return out.reshape(finalShape);
            }
        }
    }

    /**
     * The two gradients of {@code a (M, K)·b (K, N)} from {@code g (M, N)}: {@code {g·bᵀ, aᵀ·g}} (null where not
     * wanted). When both are wanted, in F32, and the GEMM can read every operand in place, the two products run side by
     * side, one per pool thread, each on its own core without splitting: splitting a product packs its B once per
     * thread and synchronises, which the GPT's 768 x 128 x 128 products did not repay (two of them one after the other,
     * each split: 263 us; side by side: 146 us; the larger ones tie).
     */
    static Tensor[] matmulGradients(Tensor g, Tensor a, Tensor b, boolean wantA, boolean wantB) {
        try (Tensor bt = b.transpose(0, 1); Tensor at = a.transpose(0, 1)) {
            boolean pair = wantA && wantB && g.dtype() == DType.F32 && Parallel.THREADS > 1 && readable(g) && readable(bt) && readable(at)
                    && g.dim(0) > 0 && g.dim(1) > 0 && a.dim(1) > 0;
            if (!pair) return new Tensor[] {wantA ? matmul(g, bt) : null, wantB ? matmul(at, g) : null};
            Tensor da = Tensor.empty(g.dtype(), a.dim(0), a.dim(1)), db = Tensor.empty(g.dtype(), b.dim(0), b.dim(1));
            Parallel.forChunks(2, (from, to) -> {  // a GEMM called inside the region runs on its thread alone
                if (from == 0) gemmInto(da, g, bt);
                else gemmInto(db, at, g);
            });
            return new Tensor[] {da, db};
        }
    }

    private static boolean readable(Tensor t) {
        return t.rank() == 2 && leadingIfReadable(t) != 0;
    }

    /**
     * The common case, two matrices the GEMM can read in place, without the views and offset tables of the
     * general path (they cost more than a single-image Dense layer's product); null when it does not apply.
     */
    private static Tensor matmul2d(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2) return null;
        long m = a.dim(0), k = a.dim(1), n = b.dim(1);
        if (b.dim(0) != k || m == 0 || k == 0 || n == 0) return null;
        if (leadingIfReadable(a) == 0 || leadingIfReadable(b) == 0) return null;
        Tensor out = Tensor.empty(a.dtype(), m, n);
        gemmInto(out, a, b);
        return out;
    }

    /** {@code out (M, N) = a·b} for operands the GEMM reads in place; {@code out} contiguous. */
    private static void gemmInto(Tensor out, Tensor a, Tensor b) {
        long m = a.dim(0), k = a.dim(1), n = b.dim(1);
        long lda = leadingIfReadable(a), ldb = leadingIfReadable(b);
        boolean ta = lda < 0, tb = ldb < 0;
        if (a.dtype() == DType.F32) {
            Backend.of(out).sgemm(ta, tb, (int) m, (int) n, (int) k, 1f, a.segment(), a.offset(), Math.abs(lda), b.segment(), b.offset(),
                    Math.abs(ldb), 0f, out.segment(), 0, n);
        } else {
            Backend.of(out).dgemm(ta, tb, (int) m, (int) n, (int) k, 1.0, a.segment(), a.offset(), Math.abs(lda), b.segment(), b.offset(),
                    Math.abs(ldb), 0.0, out.segment(), 0, n);
        }
    }

    /**
     * A matrix's leading dimension when the GEMM can read it in place: positive for rows contiguous, negative for
     * columns contiguous (a transposed view), 0 when it needs a copy. A size-1 dimension's stride is irrelevant.
     */
    private static long leadingIfReadable(Tensor t) {
        long r = t.dim(0), c = t.dim(1), sr = t.stride(0), sc = t.stride(1);
        if ((c == 1 || sc == 1) && (r == 1 || sr >= c)) return r == 1 ? Math.max(1, c) : sr;
        if ((r == 1 || sr == 1) && (c == 1 || sc >= r)) return -(c == 1 ? Math.max(1, r) : sc);
        return 0;
    }

    private static long[] concat(long[] batch, long r, long c) {
        long[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    /**
     * A view the GEMM can read without copying: rows contiguous (stride 1 along the last dimension) or, for a
     * transposed view, columns contiguous; anything else is copied once. Batch dimensions may stay broadcast.
     */
    private static Tensor gemmReady(Tensor t) {
        long[] st = t.strides(), sh = t.shape();
        int r = t.rank();
        boolean degenerate = sh[r - 1] == 1 || sh[r - 2] == 1;  // size-1 matrices have arbitrary strides: normalise
        boolean rows = st[r - 1] == 1 && st[r - 2] >= sh[r - 1];
        boolean cols = st[r - 2] == 1 && st[r - 1] >= sh[r - 2];
        return !degenerate && (rows || cols) ? t.view(sh, st, t.offset()) : t.copy();
    }

    private static boolean transposed(Tensor t) {
        long[] st = t.strides();
        return st[t.rank() - 1] != 1;
    }

    private static long leading(Tensor t) {
        long[] st = t.strides();
        return transposed(t) ? st[t.rank() - 1] : st[t.rank() - 2];
    }

    private static long batchOffset(Tensor t, long index, int batchRank) {
        long[] sh = t.shape(), st = t.strides();
        long off = 0;
        for (int d = batchRank - 1; d >= 0; d--) {
            off += (index % sh[d]) * st[d];
            index /= sh[d];
        }
        return off;
    }
}
