package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.Float4Vector;
import org.junit.jupiter.api.Test;

class MemoryTest {
    @Test
    void onCloseRunsAfterTheScopesTensorsAreFreedAndNotTwice() {
        Tensor[] seen = new Tensor[1];
        boolean[] freedFirst = new boolean[1];
        int[] runs = new int[1];
        MemoryScope s = MemoryScope.open("with-action");
        seen[0] = Tensor.zeros(DType.F32, 4);
        s.onClose(() -> {
            runs[0]++;
            freedFirst[0] = seen[0].isClosed();
        });
        s.close();
        s.close();
        assertEquals(1, runs[0]);
        assertTrue(freedFirst[0], "tensors are freed before the actions run");
        assertThrows(IllegalStateException.class, () -> s.onClose(() -> { }));
    }

    @Test
    void buffersAre64ByteAlignedAndAccounted() {
        long before = Memory.allocatedBytes();
        for (long n : new long[] {1, 3, 17, 1000, 12345}) {
            try (Tensor t = Tensor.zeros(DType.F32, n)) {
                assertEquals(0, t.segment().address() % 64, "address of a " + n + "-element tensor");
                assertTrue(Memory.allocatedBytes() >= before + 4 * n);
            }
        }
        assertEquals(before, Memory.allocatedBytes());
    }

    @Test
    void useAfterCloseThrowsNamingTheOpInsteadOfReadingFreedMemory() {
        Tensor t = Tensor.ones(DType.F32, 4);
        MemorySegment raw = t.segment();
        t.close();
        t.close();  // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.add(t));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("F32[4]") && e.getMessage().contains("close()"),
                e.getMessage());
        assertTrue(t.toString().contains("freed"));
        // A small tensor's block is recycled: a raw segment kept from before still points at mapped memory.
        assertEquals(1f, raw.get(ValueLayout.JAVA_FLOAT, 0));
        // A large tensor's memory is freed, and a raw segment kept from before cannot read it.
        Tensor big = Tensor.ones(DType.F32, 1 << 20);
        MemorySegment bigRaw = big.segment();
        big.close();
        assertThrows(IllegalStateException.class, () -> bigRaw.get(ValueLayout.JAVA_FLOAT, 0));
    }

    @Test
    void smallTensorsReuseRecycledBlocksWithoutAllocatorCallsAndStayAccounted() {
        Tensor first = Tensor.empty(DType.F32, 1, 10);
        long address = first.segment().address();
        first.close();
        long calls = Memory.allocationCount();
        for (int i = 0; i < 100; i++) {
            try (Tensor again = Tensor.empty(DType.F32, 1, 10)) {
                assertEquals(address, again.segment().address(), "the block just released is handed out again");
            }
        }
        assertEquals(calls, Memory.allocationCount(), "no allocator call for a recycled size");
        // In use, a recycled block is accounted in its scope like any tensor: leaks are still caught.
        MemoryScope leaky = MemoryScope.open("leaky");
        Tensor t = Tensor.zeros(DType.F32, 10);
        assertEquals(40, leaky.allocator().getAllocatedMemory());
        try (Tensor sum = t.sum()) {
            assertEquals(0f, sum.item());
        }
        Tensor moved = leaky.keep(t);
        assertEquals(0, leaky.allocator().getAllocatedMemory(), "keep moves the accounting out of the scope");
        leaky.close();
        assertTrue(Memory.allocatedBytes() >= 40);
        moved.close();
    }

    @Test
    void theRecyclerHoldsABoundedAmount() {
        Memory.trimRecycled();
        long before = Memory.recycledBytes();
        java.util.List<Tensor> many = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) many.add(Tensor.empty(DType.F32, 64 << 10));  // 200 x 256 KB = 50 MB
        many.forEach(Tensor::close);
        assertTrue(Memory.recycledBytes() - before <= 32 << 20, "kept " + (Memory.recycledBytes() - before) + " bytes");
        Memory.trimRecycled();
        assertEquals(before, Memory.recycledBytes());
    }

    @Test
    void scopeFreesEverythingCreatedInsideAndKeepMovesResultsOut() {
        long before = Memory.allocatedBytes();
        Tensor kept;
        Tensor dropped;
        try (MemoryScope outer = MemoryScope.open("outer")) {
            try (MemoryScope step = MemoryScope.open("step")) {
                Tensor a = Tensor.ones(DType.F32, 1000);
                dropped = a.mul(3);
                kept = step.keep(a.add(1).sum());
                assertEquals(outer, kept.owner());
            }
            assertTrue(dropped.isClosed());
            assertFalse(kept.isClosed());
            assertEquals(2000, kept.item());
            kept = outer.keep(kept);
        }
        assertEquals(null, kept.owner());
        assertEquals(2000, kept.item());
        kept.close();
        assertEquals(before, Memory.allocatedBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class, dropped::item);
        assertTrue(e.getMessage().contains("scope 'step'"), e.getMessage());
    }

    @Test
    void keptViewKeepsItsBaseMemoryAlive() {
        Tensor view;
        try (MemoryScope s = MemoryScope.open("s")) {
            Tensor base = Tensor.arange(10, DType.F32);
            view = s.keep(base.slice(0, 5, 10));
        }
        assertEquals(5, view.getDouble(0));
        view.close();
    }

    @Test
    void moveHandsATensorToAnotherScope() {
        try (MemoryScope model = MemoryScope.open("model")) {
            Tensor grad;
            try (MemoryScope step = MemoryScope.open("step")) {
                grad = MemoryScope.move(Tensor.ones(DType.F32, 10), model);
            }
            assertFalse(grad.isClosed(), "owned by the model scope now");
            assertEquals(model, grad.owner());
            assertEquals(10, grad.sum().item());
        }
    }

    @Test
    void closingAScopeWithALiveArrowBufferFailsLoudlyAndNamesIt() {
        MemoryScope s = MemoryScope.open("leaky-step");
        ArrowBuf leaked = s.allocator().buffer(128);
        IllegalStateException e = assertThrows(IllegalStateException.class, s::close);
        assertTrue(e.getMessage().contains("leaky-step") && e.getMessage().contains("128"), e.getMessage());
        leaked.close();
        s.allocator().close();
    }

    @Test
    void leakCheckNamesLiveTensors() {
        Tensor t = Tensor.zeros(DType.F32, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, Memory::checkNoLeaks);
        assertTrue(e.getMessage().contains("12 bytes"), e.getMessage());
        t.close();
        Memory.checkNoLeaks();
        try (Float4Vector v = new Float4Vector("open", Memory.root())) {
            v.allocateNew(4);
            assertThrows(IllegalStateException.class, Memory::checkNoLeaks);
        }
    }

    @Test
    void scopesMustCloseInOrder() {
        MemoryScope a = MemoryScope.open("a");
        MemoryScope b = MemoryScope.open("b");
        assertThrows(IllegalStateException.class, a::close);
        b.close();
        a.close();
    }

    @Test
    void anUnpooledScopeInsideAStepTakesNothingFromTheArena() {
        try (dev.panamax.tensors.memory.StepArena arena = new dev.panamax.tensors.memory.StepArena("t")) {
            long afterFirst = -1;
            for (int step = 0; step < 3; step++) {
                Tensor kept;
                try (MemoryScope outer = MemoryScope.open("caller")) {
                    try (MemoryScope s = MemoryScope.open("step", arena)) {
                        Tensor work = Tensor.ones(DType.F32, 100_000);
                        try (MemoryScope u = MemoryScope.openUnpooled("out")) {
                            kept = MemoryScope.move(work.mul(2.0), outer);
                        }
                    }
                    assertEquals(2.0, kept.getDouble(99_999), 0.0);
                }
                if (step == 0) afterFirst = arena.freshAllocations();
                // A result moved out of an arena would be missing from the pool and allocated again at every step.
                assertEquals(afterFirst, arena.freshAllocations(), "step " + step + " allocated from the arena again");
            }
        }
    }
}
