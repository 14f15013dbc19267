package dev.panamax.tensors.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A pool of Arrow buffers reused from one training step to the next. A scope opened with an arena
 * ({@link MemoryScope#open(String, StepArena)}) takes tensor memory from here, and its tensors give it back
 * when they close. The first step sizes the pool; every later step of the same shape finds each buffer it
 * needs already there, so a steady-state step makes no allocator calls (page faults are expensive on these
 * machines: docs/PLATFORM.md, "Page faults"). Buffers are keyed by exact size; the pool only grows to the largest step's needs.
 *
 * <pre>{@code
 * try (StepArena arena = new StepArena("train")) {
 *     for (Batch b : batches) {
 *         try (MemoryScope step = MemoryScope.open("step", arena)) { ... forward, backward, update ... }
 *     }
 * }
 * }</pre>
 */
public final class StepArena implements AutoCloseable {
    private final BufferAllocator allocator;
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();

    /** A pooled buffer with its long-lived view. */
    record Block(ArrowBuf buf, long bytes, Arena viewArena, MemorySegment segment) {
        static Block of(ArrowBuf buf, long bytes) {
            Arena a = Arena.ofShared();
            return new Block(buf, bytes, a, MemorySegment.ofAddress(buf.memoryAddress()).reinterpret(bytes, a, null));
        }

        Block withBuf(ArrowBuf moved) {
            return new Block(moved, bytes, viewArena, segment);
        }

        /** Closes the view first, so no stale segment can read the memory once it is freed. */
        void free() {
            viewArena.close();
            buf.getReferenceManager().release();
        }
    }
    private final long maxPooledBytes;
    private long fresh, reused, pooledBytes;
    private boolean closed;

    /**
     * An arena named {@code name} (in leak reports) under Panamax's root allocator, with no limit on the bytes it pools.
     *
     * @param name what leak reports call the arena
     */
    public StepArena(String name) {
        this(name, Memory.root(), Long.MAX_VALUE);
    }

    /** A pool under {@code parent} that keeps at most {@code maxPooledBytes} waiting; beyond that a returned block is freed. */
    StepArena(String name, BufferAllocator parent, long maxPooledBytes) {
        this.allocator = parent.newChildAllocator("arena " + name, 0, Long.MAX_VALUE);
        this.maxPooledBytes = maxPooledBytes;
    }

    synchronized Block take(long bytes) {
        if (closed) throw new IllegalStateException("step arena '" + allocator.getName() + "' is closed");
        ArrayDeque<Block> q = free.get(bytes);
        if (q != null && !q.isEmpty()) {
            reused++;
            pooledBytes -= bytes;
            return q.pop();
        }
        fresh++;
        return Block.of(allocator.buffer(bytes), bytes);
    }

    synchronized void give(Block block) {
        if (closed || pooledBytes + block.bytes() > maxPooledBytes) {
            block.free();
            return;
        }
        pooledBytes += block.bytes();
        free.computeIfAbsent(block.bytes(), k -> new ArrayDeque<>()).push(block);
    }

    /** Frees the blocks waiting in the pool; blocks in use come back (or are freed) as usual. */
    synchronized void trim() {
        free.values().forEach(q -> q.forEach(Block::free));
        free.clear();
        pooledBytes = 0;
    }

    /**
     * {@return the buffers this arena had to allocate (not counting reuse); constant once steps reach a steady state}
     */
    public synchronized long freshAllocations() {
        return fresh;
    }

    /** {@return the buffers handed out again from the pool} */
    public synchronized long reusedAllocations() {
        return reused;
    }

    /** {@return the bytes held by the arena, pooled or in use} */
    public long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    /** Frees the pooled buffers; fails, naming the arena, when tensors taken from it are still alive. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        trim();
        allocator.close();
    }
}
