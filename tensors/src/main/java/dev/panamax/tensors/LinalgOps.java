package dev.panamax.tensors;


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
     * The common case, two matrices the GEMM can read in place, without the views and offset tables of the
     * general path (they cost more than a single-image Dense layer's product); null when it does not apply.
     */
    private static Tensor matmul2d(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2) return null;
        long m = a.dim(0), k = a.dim(1), n = b.dim(1);
        if (b.dim(0) != k || m == 0 || k == 0 || n == 0) return null;
        long lda = leadingIfReadable(a), ldb = leadingIfReadable(b);
        if (lda == 0 || ldb == 0) return null;
        boolean ta = lda < 0, tb = ldb < 0;
        Tensor out = Tensor.empty(a.dtype(), m, n);
        if (a.dtype() == DType.F32) {
            Backend.of(out).sgemm(ta, tb, (int) m, (int) n, (int) k, 1f, a.segment(), a.offset(), Math.abs(lda), b.segment(), b.offset(),
                    Math.abs(ldb), 0f, out.segment(), 0, n);
        } else {
            Backend.of(out).dgemm(ta, tb, (int) m, (int) n, (int) k, 1.0, a.segment(), a.offset(), Math.abs(lda), b.segment(), b.offset(),
                    Math.abs(ldb), 0.0, out.segment(), 0, n);
        }
        return out;
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
