package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import org.junit.jupiter.api.Test;

class StepArenaTest {
    @Test
    void repeatedStepsReuseEveryBuffer() {
        try (StepArena arena = new StepArena("test")) {
            long firstFresh = -1, countAfterFirst = -1;
            for (int step = 0; step < 5; step++) {
                try (MemoryScope s = MemoryScope.open("step", arena)) {
                    Tensor x = Tensor.arange(1000, DType.F32).reshape(10, 100);
                    Tensor y = x.mul(2).add(1).relu().sum(new int[] {1}, false);
                    assertEquals(10, y.numel());
                }
                if (step == 0) {
                    firstFresh = arena.freshAllocations();
                    countAfterFirst = Memory.allocationCount();
                }
            }
            assertEquals(firstFresh, arena.freshAllocations(), "steps 2-5 allocated new buffers");
            assertEquals(countAfterFirst, Memory.allocationCount(), "steps 2-5 called the allocator");
            assertTrue(arena.reusedAllocations() >= 4 * firstFresh);
        }
    }

    @Test
    void keptResultsLeaveThePoolAndPooledMemoryIsStillProtected() {
        Tensor kept;
        Tensor dropped;
        try (StepArena arena = new StepArena("keep")) {
            try (MemoryScope s = MemoryScope.open("step", arena)) {
                dropped = Tensor.ones(DType.F32, 4);
                kept = s.keep(Tensor.full(DType.F32, 3, 4));
                assertTrue(kept.storage().pool() == null);
            }
            assertThrows(IllegalStateException.class, dropped::sum);
            try (MemoryScope s = MemoryScope.open("step", arena)) {
                Tensor reuse = Tensor.zeros(DType.F32, 4);  // takes the buffer 'dropped' had
                assertEquals(0, reuse.sum().item());
            }
        }
        assertFalse(kept.isClosed());
        try (Tensor sum = kept.sum()) {
            assertEquals(12, sum.item());
        }
        kept.close();
    }

    @Test
    void memoryMovedToTheCallerLeavesTheArenaSoItCanClose() {
        StepArena arena = new StepArena("busy");
        MemoryScope s = MemoryScope.open("step", arena);
        Tensor t = Tensor.ones(DType.F32, 4);
        Tensor escaped = t.reshape(4);
        MemoryScope.move(escaped, null);  // handed to the caller, who leaves the arena owning nothing
        s.close();
        arena.close();  // would throw if the escaped tensor's buffer were still the arena's
        assertEquals(1, escaped.getDouble(0));
        escaped.close();
    }
}
