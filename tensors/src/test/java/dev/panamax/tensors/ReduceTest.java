package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.testing.Ref;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReduceTest {
    /** Brute-force reduction of a Ref over a set of axes: the oracle. */
    static Ref reduce(Ref in, boolean[] mask, boolean keepdim, String op) {
        long[] s = in.shape();
        List<Long> outShape = new ArrayList<>();
        for (int i = 0; i < s.length; i++) if (!mask[i]) outShape.add(s[i]); else if (keepdim) outShape.add(1L);
        long[] os = outShape.stream().mapToLong(Long::longValue).toArray();
        long outN = 1;
        for (long d : os) outN *= d;
        double[] acc = new double[(int) outN];
        double[] cnt = new double[(int) outN];
        java.util.Arrays.fill(acc, op.equals("max") ? Double.NEGATIVE_INFINITY : op.equals("min") ? Double.POSITIVE_INFINITY : 0);
        long[] idx = new long[s.length];
        for (double v : in.data()) {
            int o = 0;
            for (int i = 0; i < s.length; i++) if (!mask[i]) o = (int) (o * s[i] + idx[i]);
            switch (op) {
                case "max" -> acc[o] = Math.max(acc[o], v);
                case "min" -> acc[o] = Math.min(acc[o], v);
                default -> acc[o] += v;
            }
            cnt[o]++;
            for (int k = s.length - 1; k >= 0; k--) {
                if (++idx[k] < s[k]) break;
                idx[k] = 0;
            }
        }
        if (op.equals("mean")) for (int i = 0; i < acc.length; i++) acc[i] /= cnt[i];
        return new Ref(os, acc);
    }

    @Test
    void sumMeanMaxMinOverEveryAxisSet() {
        Rng rng = new Rng(3);
        long[][] shapes = {{7}, {1}, {4, 33}, {3, 1, 17}, {2, 5, 3, 19}, {70001}};
        for (long[] shape : shapes) {
            for (DType dt : new DType[] {DType.F32, DType.F64}) {
                try (MemoryScope s = MemoryScope.open("case")) {
                    Tensor x = Fixtures.values(rng, dt, shape);
                    Tensor nc = x.rank() >= 2 ? x.transpose(0, x.rank() - 1) : x;  // non-contiguous too
                    for (Tensor t : new Tensor[] {x, nc}) {
                        Ref in = Ref.of(t);
                        int r = t.rank();
                        for (int m = 1; m < (1 << r); m++) {
                            boolean[] mask = new boolean[r];
                            List<Integer> axes = new ArrayList<>();
                            for (int i = 0; i < r; i++) if ((m >> i & 1) == 1) { mask[i] = true; axes.add(i); }
                            int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
                            double tol = dt == DType.F32 ? 2e-5 : 1e-11;
                            for (boolean keep : new boolean[] {false, true}) {
                                reduce(in, mask, keep, "sum").assertMatches(t.sum(ax, keep), tol, tol * 10);
                                reduce(in, mask, keep, "mean").assertMatches(t.mean(ax, keep), tol, tol);
                                reduce(in, mask, keep, "max").assertMatches(t.max(ax, keep), 0, 0);
                                reduce(in, mask, keep, "min").assertMatches(t.min(ax, keep), 0, 0);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void varianceArgmaxAndIntegers() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 10, 0}, 2, 3);
            assertArrayEquals(new double[] {1, 76.0 / 3}, x.var(new int[] {1}, false).toDoubleArray(), 1e-12);
            assertArrayEquals(new double[] {2.0 / 3, 152.0 / 9}, x.var(new int[] {1}, false, 0).toDoubleArray(), 1e-12);
            assertArrayEquals(new long[] {2, 1}, x.argmax(1, false).toLongArray());
            assertArrayEquals(new long[] {0, 2}, x.argmin(1, false).toLongArray());
            assertArrayEquals(new long[] {1, 1, 0}, x.argmax(0, false).toLongArray());
            assertEquals(4, x.argmax().item());
            assertArrayEquals(new long[] {2, 1}, x.argmax(1, true).shape());
            Tensor ties = Tensor.of(new float[] {5, 1, 5, Float.NaN, 5}, 5);
            assertEquals(3, ties.argmax().item(), "NaN counts as the maximum, like PyTorch");
            assertEquals(0, Tensor.of(new float[] {5, 1, 5}, 3).argmax().item(), "first of equal maxima");
            Tensor big = Tensor.arange(70001, DType.F32);
            assertEquals(70000, big.argmax().item());
            Tensor ints = Tensor.of(new int[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor sum = ints.sum(0);
            assertEquals(DType.I64, sum.dtype());
            assertArrayEquals(new long[] {5, 7, 9}, sum.toLongArray());
            assertArrayEquals(new int[] {3, 6}, ints.max(1).toIntArray());
            assertEquals(3.5, ints.mean().item(), 1e-7);
            assertEquals(0, Tensor.zeros(DType.F32, 0, 3).sum().item());
            assertTrue(Double.isNaN(Tensor.zeros(DType.F32, 0).mean().item()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F32, 0).max());
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> x.sum(new int[] {2}, false));
            assertThrows(IllegalArgumentException.class, () -> x.sum(new int[] {1, 1}, false));
        }
    }
}
