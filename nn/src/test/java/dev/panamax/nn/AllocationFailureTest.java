package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.AllocationFailedException;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/** A tensor larger than memory is one clear error naming its size, and the layer when a layer asked for it. */
class AllocationFailureTest {
    @Test
    void aTensorLargerThanMemoryNamesItsSize() {
        try (MemoryScope s = MemoryScope.open("t")) {
            AllocationFailedException e = assertThrows(AllocationFailedException.class, () -> Tensor.empty(DType.F32, 1L << 40));
            assertTrue(e.getMessage().contains("cannot allocate 4.0 TB (4398046511104 bytes)"), e.getMessage());
        }
    }

    @Test
    void aLayerTooLargeForMemoryIsNamed() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(1).add(new Dense(1 << 20, "relu"));
            AllocationFailedException e = assertThrows(AllocationFailedException.class, () -> m.build(1 << 20));
            assertTrue(e.getMessage().contains("layer 'dense' (Dense) on input [1048576]") && e.getMessage().contains("4.0 TB"), e.getMessage());
        }
    }

    @Test
    void anOpWhoseOutputIsTooLargeForMemoryIsNamed() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var column = Var.param(Tensor.zeros(DType.F32, 1L << 20, 1)), row = Var.param(Tensor.zeros(DType.F32, 1, 1L << 20));
            AllocationFailedException e = assertThrows(AllocationFailedException.class, () -> F.add(column, row));
            assertTrue(e.getMessage().startsWith("op Add forward: cannot allocate 4.0 TB"), e.getMessage());
        }
    }
}
