package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

class CreationTest {
    @Test
    void constantsRangesAndIdentity() {
        try (MemoryScope s = MemoryScope.open("t")) {
            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(DType.F32, 2, 3).toFloatArray());
            assertArrayEquals(new int[] {1, 1}, Tensor.ones(DType.I32, 2).toIntArray());
            assertArrayEquals(new double[] {2.5, 2.5}, Tensor.full(DType.F64, 2.5, 2).toDoubleArray());
            assertArrayEquals(new double[] {1, 1.5, 2, 2.5}, Tensor.arange(1, 3, 0.5, DType.F64).toDoubleArray());
            assertArrayEquals(new long[] {0, 1, 2}, Tensor.arange(3, DType.I64).toLongArray());
            assertEquals(0, Tensor.arange(3, 1, 1, DType.F32).numel());
            assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Tensor.linspace(0, 1, 5, DType.F64).toDoubleArray(), 1e-15);
            assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3, DType.F32).toFloatArray());
            assertArrayEquals(new long[] {}, Tensor.scalar(4, DType.F32).shape());
            assertEquals(4, Tensor.scalar(4, DType.F32).item());
            assertArrayEquals(new byte[] {(byte) 255, 0}, Tensor.ofBytes(new byte[] {(byte) 255, 0}, 2).toByteArray());
            assertEquals(255, Tensor.ofBytes(new byte[] {(byte) 255}, 1).getLong(0));
            assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F32, -1));
            assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0, DType.F32));
        }
    }

    @Test
    void seededRandomIsReproducibleAndIndependentOfThreads() {
        try (MemoryScope s = MemoryScope.open("t")) {
            // 100k elements are filled in parallel; the values must equal a sequential evaluation of the same draws.
            Rng rng = new Rng(42);
            Tensor u = Tensor.rand(rng, DType.F64, 100_000);
            Rng check = new Rng(42);
            double[] got = u.toDoubleArray();
            for (int i = 0; i < got.length; i += 997) assertEquals(check.uniform(i), got[i]);
            Tensor again = Tensor.rand(new Rng(42), DType.F64, 100_000);
            assertArrayEquals(got, again.toDoubleArray());
            assertNotEquals(got[0], Tensor.rand(rng, DType.F64, 1).item(), "the generator advances");
            Tensor n = Tensor.randn(new Rng(1), DType.F64, 200_000);
            assertEquals(0, n.mean().item(), 0.01);
            assertEquals(1, n.var(new int[] {0}, false).item(), 0.01);
            assertArrayEquals(n.toDoubleArray(), Tensor.randn(new Rng(1), DType.F64, 200_000).toDoubleArray());
            Tensor f = Tensor.uniform(new Rng(2), -2, 5, DType.F32, 1000);
            assertEquals(-2, f.min().item(), 0.05);
            assertEquals(5, f.max().item(), 0.05);
            int[] perm = new Rng(9).permutation(10);
            assertEquals(45, java.util.Arrays.stream(perm).sum());
            assertArrayEquals(perm, new Rng(9).permutation(10));
            assertThrows(IllegalArgumentException.class, () -> Tensor.rand(new Rng(1), DType.I32, 3));
        }
    }
}
