package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.testing.Ref;
import org.junit.jupiter.api.Test;

class MatmulTest {
    /** Triple loop over Refs with broadcast batch dimensions: the oracle. */
    static Ref matmul(Ref a, Ref b) {
        long[] as = a.shape(), bs = b.shape();
        long m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        long[] batch = Ref.broadcast(java.util.Arrays.copyOf(as, as.length - 2), java.util.Arrays.copyOf(bs, bs.length - 2));
        long nb = 1;
        for (long d : batch) nb *= d;
        double[] out = new double[(int) (nb * m * n)];
        long[] bi = new long[batch.length];
        for (int t = 0; t < nb; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a.at(idx(bi, i, p)) * b.at(idx(bi, p, j));
                    out[(int) ((t * m + i) * n + j)] = s;
                }
            }
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++bi[d] < batch[d]) break;
                bi[d] = 0;
            }
        }
        long[] shape = java.util.Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        return new Ref(shape, out);
    }

    private static long[] idx(long[] batch, long r, long c) {
        long[] x = java.util.Arrays.copyOf(batch, batch.length + 2);
        x[batch.length] = r;
        x[batch.length + 1] = c;
        return x;
    }

    @Test
    void twoDimensionalOnAwkwardSizesAndLayouts() {
        Rng rng = new Rng(11);
        long[][] mnk = {{1, 1, 1}, {1, 17, 5}, {7, 1, 3}, {3, 5, 1}, {13, 31, 17}, {64, 65, 63}};
        for (long[] d : mnk) {
            for (DType dt : new DType[] {DType.F32, DType.F64}) {
                try (MemoryScope s = MemoryScope.open("case")) {
                    Tensor a = Fixtures.values(rng, dt, d[0], d[2]);
                    Tensor b = Fixtures.values(rng, dt, d[2], d[1]);
                    double tol = dt == DType.F32 ? 1e-5 : 1e-12;
                    matmul(Ref.of(a), Ref.of(b)).assertMatches(a.matmul(b), tol, tol);
                    Tensor at = Fixtures.transposed(rng, dt, d[0], d[2]);
                    Tensor bt = Fixtures.transposed(rng, dt, d[2], d[1]);
                    matmul(Ref.of(at), Ref.of(bt)).assertMatches(at.matmul(bt), tol, tol);
                }
            }
        }
    }

    /**
     * Matrices read in place or copied: a single row or column taken from a wider tensor (a size-1 dimension with
     * a stride that is not the row length, read either way), a strided slice, and broadcast (stride-0) operands.
     */
    @Test
    void stridedRowsColumnsAndBroadcastOperands() {
        Rng rng = new Rng(13);
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor wide = Fixtures.values(rng, DType.F32, 6, 9);
            Tensor w = Fixtures.values(rng, DType.F32, 9, 5), tall = Fixtures.values(rng, DType.F32, 6, 5);
            Tensor[][] cases = {
                {wide.slice(0, 2, 3), w},                                      // one row of a wider matrix
                {tall.slice(1, 2, 3).transpose(0, 1), wide},                   // a column read as a row: element stride 5
                {wide, w.slice(1, 3, 4)},                                      // one column of a wider matrix: row stride 5
                {wide.slice(0, 4, 5), w.slice(1, 1, 2)},                       // 1 × 9 by 9 × 1
                {wide.slice(0, 0, 6, 2), w.slice(1, 0, 5, 2)},                 // every other row and column
                {wide.slice(0, 1, 2).expand(4, 9), w},                         // a broadcast row
                {wide, w.slice(1, 2, 3).expand(9, 3)},                         // a broadcast column
            };
            for (Tensor[] c : cases) matmul(Ref.of(c[0]), Ref.of(c[1])).assertMatches(c[0].matmul(c[1]), 1e-5, 1e-5);
        }
    }

    @Test
    void batchedBroadcastAndVectors() {
        Rng rng = new Rng(12);
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor a = Fixtures.values(rng, DType.F32, 2, 1, 3, 4);
            Tensor b = Fixtures.values(rng, DType.F32, 5, 4, 6);
            Tensor c = a.matmul(b);
            assertArrayEquals(new long[] {2, 5, 3, 6}, c.shape());
            matmul(Ref.of(a), Ref.of(b)).assertMatches(c, 1e-5, 1e-5);
            Tensor v = Fixtures.values(rng, DType.F32, 4);
            Tensor m = Fixtures.values(rng, DType.F32, 4, 3);
            assertArrayEquals(new long[] {3}, v.matmul(m).shape());
            assertArrayEquals(new long[] {2, 1, 3}, a.matmul(v).shape());
            assertArrayEquals(new long[] {}, v.matmul(v).shape());
            double dot = 0;
            for (float x : v.toFloatArray()) dot += x * x;
            assertArrayEquals(new double[] {dot}, new double[] {v.matmul(v).item()}, 1e-5);
        }
    }

    @Test
    void mismatchedShapesAndTypesAreRejected() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor a = Tensor.zeros(DType.F32, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(a));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("inner"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.zeros(DType.F64, 3, 2)));
            assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.I32, 2, 2).matmul(Tensor.zeros(DType.I32, 2, 2)));
        }
    }
}
