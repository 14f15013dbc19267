package dev.panamax.tensors.memory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.RootAllocator;

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
 */
final class Recycler {
    static final long MAX_BLOCK = 256 << 10;
    static final long MAX_POOLED = 32 << 20;

    private static final RootAllocator ROOT = Memory.newRoot();
    private static final Map<Long, ArrayDeque<StepArena.Block>> FREE = new HashMap<>();
    private static long pooledBytes;

    private Recycler() {}

    static boolean fits(long bytes) {
        return bytes > 0 && bytes <= MAX_BLOCK;
    }

    /** A block of {@code bytes} (reused when one waits), accounted in {@code allocator} until released. */
    static Storage take(BufferAllocator allocator, long bytes) {
        StepArena.Block block = takeBlock(bytes);
        ArrowBuf accounted;
        try {
            accounted = allocator.wrapForeignAllocation(new ForeignAllocation(bytes, block.buf().memoryAddress()) {
                @Override
                protected void release0() {
                    give(block);
                }
            });
        } catch (RuntimeException e) {
            give(block);
            throw e;
        }
        return Storage.recycled(block, accounted);
    }

    private static synchronized StepArena.Block takeBlock(long bytes) {
        ArrayDeque<StepArena.Block> q = FREE.get(bytes);
        if (q != null && !q.isEmpty()) {
            pooledBytes -= bytes;
            return q.pop();
        }
        return StepArena.Block.of(ROOT.buffer(bytes), bytes);
    }

    private static synchronized void give(StepArena.Block block) {
        if (pooledBytes + block.bytes() > MAX_POOLED) {
            block.free();
            return;
        }
        pooledBytes += block.bytes();
        FREE.computeIfAbsent(block.bytes(), k -> new ArrayDeque<>()).push(block);
    }

    /** Bytes held by the recycler: waiting blocks plus those in use by tensors. */
    static long heldBytes() {
        return ROOT.getAllocatedMemory();
    }

    /** Bytes in blocks waiting for reuse. */
    static synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Frees every waiting block (blocks in use return later as usual). */
    static synchronized void trim() {
        FREE.values().forEach(q -> q.forEach(StepArena.Block::free));
        FREE.clear();
        pooledBytes = 0;
    }
}
