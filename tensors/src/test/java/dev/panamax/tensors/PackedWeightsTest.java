package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/** Products with a weight matrix kept in the backend's layout agree with plain {@code matmul}, packed or not. */
class PackedWeightsTest {
    @Test
    void productsOfFewAndManyRowsMatchMatmulForContiguousAndTransposedWeights() {
        Backend cpu = Backend.forDevice(Device.CPU);
        try (MemoryScope s = MemoryScope.open("packed")) {
            Rng rng = new Rng(11);
            Tensor stored = Tensor.uniform(rng, -1, 1, DType.F32, 70, 45);
            for (Tensor w : new Tensor[] {stored, stored.transpose(0, 1)}) {
                PackedWeights packed = new PackedWeights(w);
                // 1 and 7 rows take the packed path (twice: the second call reuses the packed copy), 40 the plain one.
                for (long[] shape : new long[][] {{w.dim(0)}, {1, 7, w.dim(0)}, {1, 7, w.dim(0)}, {40, w.dim(0)}}) {
                    Tensor x = Tensor.uniform(rng, -1, 1, DType.F32, shape);
                    Tensor got = cpu.matmul(x, packed);
                    Tensor want = x.rank() == 1 ? x.reshape(1, -1).matmul(w).reshape(-1) : x.reshape(-1, w.dim(0)).matmul(w);
                    long[] expectShape = shape.clone();
                    expectShape[expectShape.length - 1] = w.dim(1);
                    assertArrayEquals(expectShape, got.shape());
                    assertTrue(got.reshape(-1).allClose(want.reshape(-1), 1e-5, 1e-5), "packed product differs for x " + java.util.Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void nonContiguousInputsAndDoublePrecisionTakeThePlainPath() {
        Backend cpu = Backend.forDevice(Device.CPU);
        try (MemoryScope s = MemoryScope.open("packed")) {
            Rng rng = new Rng(12);
            Tensor w = Tensor.uniform(rng, -1, 1, DType.F64, 9, 5);
            Tensor x = Tensor.uniform(rng, -1, 1, DType.F64, 9, 3).transpose(0, 1);
            assertTrue(cpu.matmul(x, new PackedWeights(w)).allClose(x.matmul(w), 1e-12, 1e-12));
        }
    }

    @Test
    void refusesAWrongInnerDimensionAndNonMatrices() {
        try (MemoryScope s = MemoryScope.open("packed")) {
            Tensor w = Tensor.zeros(DType.F32, 4, 3);
            PackedWeights packed = new PackedWeights(w);
            assertSame(w, packed.weights());
            assertThrows(IllegalArgumentException.class, () -> Backend.of(w).matmul(Tensor.zeros(DType.F32, 2, 5), packed));
            assertThrows(IllegalArgumentException.class, () -> new PackedWeights(Tensor.zeros(DType.F32, 4)));
        }
    }
}
