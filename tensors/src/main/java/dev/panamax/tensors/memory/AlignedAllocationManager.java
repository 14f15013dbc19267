package dev.panamax.tensors.memory;

import dev.panamax.ffm.libc.Stdlib;
import java.lang.foreign.MemorySegment;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.ReferenceManager;

/**
 * An Arrow allocation manager whose buffers start on a 64-byte boundary (a cache line and one AVX-512
 * vector). Arrow's stock managers give 16-byte alignment at best, which costs Vector API loops 35-40 %
 * (docs/PLATFORM.md, "Alignment"). Memory comes from libc's {@code aligned_alloc}; Arrow still does all the accounting.
 */
final class AlignedAllocationManager extends AllocationManager {
    static final long ALIGNMENT = 64;
    static final java.util.concurrent.atomic.AtomicLong CREATED = new java.util.concurrent.atomic.AtomicLong();

    static final Factory FACTORY = new Factory() {
        private final ArrowBuf empty = new ArrowBuf(ReferenceManager.NO_OP, null, 0,
                Stdlib.aligned_alloc(ALIGNMENT, ALIGNMENT).address());

        @Override
        public AllocationManager create(BufferAllocator accountingAllocator, long size) {
            return new AlignedAllocationManager(accountingAllocator, size);
        }

        @Override
        public ArrowBuf empty() {
            return empty;
        }
    };

    private final long size;
    private final MemorySegment block;

    private AlignedAllocationManager(BufferAllocator accountingAllocator, long requested) {
        super(accountingAllocator);
        // aligned_alloc wants a size that is a multiple of the alignment.
        long rounded = Math.max(ALIGNMENT, (requested + ALIGNMENT - 1) & -ALIGNMENT);
        MemorySegment p = Stdlib.aligned_alloc(ALIGNMENT, rounded);
        if (p.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryException("aligned_alloc(" + ALIGNMENT + ", " + rounded + ") failed: the process is out of "
                    + "native memory. Use smaller batches or free tensors sooner (MemoryScope).");
        }
        this.block = p;
        CREATED.incrementAndGet();
        this.size = requested;
    }

    @Override
    public long getSize() {
        return size;
    }

    @Override
    protected long memoryAddress() {
        return block.address();
    }

    @Override
    protected void release0() {
        Stdlib.free(block);
    }
}
