package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

class ViewTest {
    @Test
    void reshapeSharesMemoryWhenItCanAndCopiesWhenItMust() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.arange(24, DType.F32);
            Tensor r = x.reshape(2, -1, 4);
            assertArrayEquals(new long[] {2, 3, 4}, r.shape());
            assertSame(x.storage(), r.storage(), "a contiguous reshape is a view");
            r.set(100, 1, 2, 3);
            assertEquals(100, x.getDouble(23));
            Tensor t = r.transpose(0, 2);             // (4, 3, 2), not contiguous
            assertFalse(t.isContiguous());
            Tensor m = t.reshape(4, 6);               // (4,3,2)->(4,6) merges contiguous-in-memory dims? no: copy
            assertArrayEquals(t.toFloatArray(), m.toFloatArray());
            Tensor split = t.reshape(2, 2, 3, 2);     // splitting dim 0 keeps a view
            assertSame(x.storage(), split.storage());
            assertArrayEquals(t.toFloatArray(), split.toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> x.reshape(5, -1));
            assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
            assertArrayEquals(new long[] {1, 24, 1}, x.reshape(1, 24, 1).shape());
            assertArrayEquals(new long[] {}, Tensor.scalar(3, DType.F32).reshape().shape());
        }
    }

    @Test
    void permuteSliceSelectSqueezeExpand() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.arange(2 * 3 * 4, DType.F64).reshape(2, 3, 4);
            Tensor p = x.permute(2, 0, 1);
            assertArrayEquals(new long[] {4, 2, 3}, p.shape());
            assertEquals(x.getDouble(1, 2, 3), p.getDouble(3, 1, 2));
            Tensor sl = x.slice(2, 1, 4, 2);          // columns 1 and 3
            assertArrayEquals(new double[] {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23}, sl.toDoubleArray());
            assertArrayEquals(new double[] {8, 9, 10, 11, 20, 21, 22, 23}, x.slice(1, -1, 100).toDoubleArray());
            assertEquals(0, x.slice(0, 5, 9).numel(), "out-of-range bounds clamp like Python");
            assertArrayEquals(new double[] {4, 5, 6, 7}, x.select(0, 0).select(0, -2).toDoubleArray());
            Tensor u = x.unsqueeze(1);
            assertArrayEquals(new long[] {2, 1, 3, 4}, u.shape());
            assertArrayEquals(new long[] {2, 3, 4}, u.squeeze(1).shape());
            assertArrayEquals(new long[] {3}, Tensor.zeros(DType.F32, 1, 3, 1).squeeze().shape());
            assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
            Tensor e = Tensor.of(new float[] {1, 2, 3}, 3, 1).expand(2, 3, 4);
            assertArrayEquals(new long[] {2, 3, 4}, e.shape());
            assertEquals(0, e.strides()[0]);
            assertEquals(3, e.getDouble(1, 2, 3));
            assertThrows(IllegalArgumentException.class, () -> x.expand(2, 5, 4));
            Tensor c = p.contiguous();
            assertTrue(c.isContiguous());
            assertArrayEquals(p.toDoubleArray(), c.toDoubleArray());
            assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> x.slice(3, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> x.select(1, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> x.getDouble(2, 0, 0));
        }
    }
}
