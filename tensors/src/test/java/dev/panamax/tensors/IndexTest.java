package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

class IndexTest {
    @Test
    void concatAndStack() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
            Tensor b = Tensor.of(new float[] {5, 6}, 1, 2);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, Tensor.concat(0, a, b).toFloatArray());
            assertArrayEquals(new float[] {1, 2, 1, 3, 4, 3}, Tensor.concat(1, a, a.slice(1, 0, 1)).toFloatArray());
            Tensor st = Tensor.stack(1, a, a.mul(10));
            assertArrayEquals(new long[] {2, 2, 2}, st.shape());
            assertArrayEquals(new float[] {1, 2, 10, 20, 3, 4, 30, 40}, st.toFloatArray());
            assertEquals(DType.F64, Tensor.concat(0, a, Tensor.zeros(DType.F64, 1, 2)).dtype());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, a, Tensor.zeros(DType.F32, 1, 3)));
            assertTrue(e.getMessage().contains("dimension 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0, a, b));
        }
    }

    @Test
    void gatherIndexSelectOneHot() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.arange(12, DType.F32).reshape(3, 4);
            Tensor idx = Tensor.of(new long[] {3, 0, 1}, 3, 1);
            assertArrayEquals(new float[] {3, 4, 9}, x.gather(1, idx).toFloatArray());
            Tensor rows = x.indexSelect(0, Tensor.of(new int[] {2, 0, 2}, 3));
            assertArrayEquals(new float[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, rows.toFloatArray());
            assertArrayEquals(new float[] {1, 3, 5, 7, 9, 11}, x.indexSelect(1, Tensor.of(new long[] {1, -1}, 2)).toFloatArray());
            // Rows of a transposed view and of an offset slice: the strided path and the row-copy path with an offset.
            assertArrayEquals(new float[] {3, 7, 11, 0, 4, 8}, x.t().indexSelect(0, Tensor.of(new long[] {-1, 0}, 2)).toFloatArray());
            assertArrayEquals(new float[] {8, 9, 10, 11}, x.slice(0, 1, 3).indexSelect(0, Tensor.of(new long[] {1}, 1)).toFloatArray());
            Tensor oh = Tensor.of(new int[] {2, 0}, 2).oneHot(3);
            assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, oh.toFloatArray());
            assertThrows(IndexOutOfBoundsException.class, () -> x.gather(1, Tensor.of(new long[] {4}, 1, 1)));
            assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(0, Tensor.of(new long[] {3}, 1)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new int[] {3}, 1).oneHot(3));
            assertTrue(e.getMessage().contains("label 3"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> x.gather(0, Tensor.of(new float[] {0}, 1, 1)));
        }
    }

    @Test
    void castsTruncateAndRoundTrip() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor f = Tensor.of(new float[] {-1.7f, 0.5f, 2.9f, 255f}, 4);
            assertArrayEquals(new int[] {-1, 0, 2, 255}, f.to(DType.I32).toIntArray());
            assertArrayEquals(new byte[] {(byte) 255, 0, 2, (byte) 255}, f.to(DType.U8).toByteArray());
            Tensor big = Tensor.of(new long[] {(1L << 53) + 1}, 1);
            assertEquals((1L << 53) + 1, big.to(DType.I64).getLong(0));
            assertEquals(DType.F64, f.to(DType.F64).dtype());
            assertArrayEquals(new double[] {-1.7f, 2.9f, 0.5f, 255f}, f.reshape(2, 2).t().to(DType.F64).toDoubleArray());
        }
    }
}
