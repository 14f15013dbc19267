package dev.panamax.tensors.memory;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;

/**
 * Small tensor buffers kept after release for the next tensor of the same size. A plain tensor otherwise costs
 * an allocator call and, on release, closing its view's shared arena: 40-70 µs measured here (a handshake with
 * every JVM thread), far more than the work on a small tensor such as a single image's prediction or a loss.
 *
 * <p>A recycled block keeps its view for life, like a {@link StepArena} block, so a stale view reads reused
 * memory, never freed memory (tensors themselves refuse use after close). Its bytes are accounted twice: in
 * the recycler's own Arrow root (the memory it holds) and, while a tensor uses it, in that tensor's scope
 * allocator through Arrow's foreign-allocation wrapper, so leak checks on scopes and on {@link Memory#root()}
 * work as for any tensor. When the last Arrow reference goes, the block comes back here. Bounded: blocks of
 * at most {@link #MAX_BLOCK} bytes, at most {@link #MAX_POOLED} bytes waiting; beyond that a block is freed.
 * The pooling itself is a {@link StepArena} under a root of its own.
 */
final class Recycler {
    static final long MAX_BLOCK = 256 << 10;
    static final long MAX_POOLED = 32 << 20;

    private static final StepArena POOL = new StepArena("recycled small tensors", Memory.newRoot(), MAX_POOLED);

    private Recycler() {}

    static boolean fits(long bytes) {
        return bytes > 0 && bytes <= MAX_BLOCK;
    }

    /** A block of {@code bytes} (reused when one waits), accounted in {@code allocator} until released. */
    static Storage take(BufferAllocator allocator, long bytes) {
        StepArena.Block block = POOL.take(bytes);
        ArrowBuf accounted;
        try {
            accounted = allocator.wrapForeignAllocation(new ForeignAllocation(bytes, block.buf().memoryAddress()) {
                @Override
                protected void release0() {
                    POOL.give(block);
                }
            });
        } catch (RuntimeException e) {
            POOL.give(block);
            throw e;
        }
        return Storage.recycled(block, accounted);
    }

    /** Bytes held by the recycler: waiting blocks plus those in use by tensors. */
    static long heldBytes() {
        return POOL.allocatedBytes();
    }

    /** Frees every waiting block (blocks in use return later as usual). */
    static void trim() {
        POOL.trim();
    }
}
