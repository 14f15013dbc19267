package dev.panamax.tensors.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The bytes behind one or more tensor views: one Arrow buffer, seen through one {@link MemorySegment}.
 *
 * <p>The segment belongs to a shared {@link Arena} that is closed before the Arrow buffer is released, so any
 * access through a stale view throws {@link IllegalStateException} instead of reading freed memory.
 * Closing a shared arena costs about 35 µs here (a handshake with every thread), so memory from a
 * {@link StepArena} keeps one view per pooled block for the block's whole life: returning it to the pool
 * frees nothing, and the view is closed only when the block is finally freed. Small plain tensors
 * (up to 256 KB) take the same kind of long-lived block from the {@link Recycler}, for the same reason.
 * Reference-counted: each tensor view holds one reference.
 */
public final class Storage {
    private final Arena arena;
    private final MemorySegment segment;
    private final long bytes;
    private final long bufOffset;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    private volatile ArrowBuf buf;
    /** The arena this storage's buffer returns to when released, or null for plain Arrow memory. */
    private volatile StepArena pool;
    private StepArena.Block block;
    /** Links of {@link LiveStorages}, guarded by its lock. */
    Storage livePrev, liveNext;
    boolean live;

    private Storage(ArrowBuf buf, long offset, long bytes) {
        this.buf = buf;
        this.bytes = bytes;
        this.bufOffset = offset;
        this.arena = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(buf.memoryAddress() + offset).reinterpret(bytes, arena, null);
        Memory.track(this);
    }

    /** Storage over a pooled block whose view stays valid while the block is pooled (see {@link StepArena}). */
    private Storage(StepArena.Block block, StepArena pool) {
        this.buf = block.buf();
        this.bytes = block.bytes();
        this.bufOffset = 0;
        this.arena = null;
        this.segment = block.segment();
        this.pool = pool;
        this.block = block;
        Memory.track(this);
    }

    /** Storage over a {@link Recycler} block whose view outlives it; {@code accounted} returns the block when released. */
    private Storage(StepArena.Block block, ArrowBuf accounted) {
        this.buf = accounted;
        this.bytes = block.bytes();
        this.bufOffset = 0;
        this.arena = null;
        this.segment = block.segment();
        Memory.track(this);
    }

    static Storage recycled(StepArena.Block block, ArrowBuf accounted) {
        return new Storage(block, accounted);
    }

    /**
     * New uninitialised storage of {@code bytes} bytes from {@code allocator}.
     *
     * @param allocator the allocator charged
     * @param bytes     the size
     * @return the storage, holding one reference
     * @throws AllocationFailedException when the memory cannot be had
     */
    public static Storage allocate(BufferAllocator allocator, long bytes) {
        return new Storage(allocator.buffer(bytes), 0, bytes);
    }

    /**
     * Storage of {@code bytes} bytes taken from (and returned to) a step arena's pool.
     *
     * @param arena the pool
     * @param bytes the size
     * @return the storage, holding one reference
     */
    public static Storage pooled(StepArena arena, long bytes) {
        return new Storage(arena.take(bytes), arena);
    }

    /**
     * Storage over {@code bytes} bytes of an existing Arrow buffer from {@code offset}, without copying. Takes
     * its own Arrow reference, so the caller may close its vector or buffer independently.
     *
     * @param buf    the Arrow buffer
     * @param offset where the storage starts in it, in bytes
     * @param bytes  the size
     * @return the storage, holding one reference of its own
     */
    public static Storage wrap(ArrowBuf buf, long offset, long bytes) {
        if (offset < 0 || bytes < 0 || offset + bytes > buf.capacity()) {
            throw new IndexOutOfBoundsException("wrap: bytes [" + offset + ", " + (offset + bytes)
                    + ") outside an Arrow buffer of " + buf.capacity() + " bytes");
        }
        buf.getReferenceManager().retain();
        return new Storage(buf, offset, bytes);
    }

    /** {@return the bytes as a memory segment, valid until the storage is released} */
    public MemorySegment segment() {
        return segment;
    }

    /** {@return the size of the storage in bytes} */
    public long byteSize() {
        return bytes;
    }

    /** {@return the Arrow buffer that owns the memory (for zero-copy export)} */
    public ArrowBuf arrowBuf() {
        return buf;
    }

    /** {@return the step arena this storage returns to when released, or null} */
    public StepArena pool() {
        return pool;
    }

    /** {@return the offset where this storage starts inside {@link #arrowBuf()}, in bytes} */
    public long arrowBufOffset() {
        return bufOffset;
    }

    /** {@return the Arrow allocator the bytes are charged to} */
    public BufferAllocator allocator() {
        return buf.getReferenceManager().getAllocator();
    }

    /**
     * {@return the version counter, bumped by every in-place write through any view, so saved tensors can tell they
     * were modified}
     */
    public long version() {
        return version.get();
    }

    /** Records an in-place write, so that autodiff can tell a saved tensor was modified after it was saved. */
    public void bumpVersion() {
        version.incrementAndGet();
    }

    /** {@return whether the last reference was released and the bytes returned} */
    public boolean isReleased() {
        return refs.get() <= 0;
    }

    /** {@return the number of tensor views holding this storage now} */
    public int references() {
        return refs.get();
    }

    /** Takes one more reference; throws {@link IllegalStateException} if the storage was already released. */
    public void retain() {
        if (refs.getAndUpdate(r -> r <= 0 ? r : r + 1) <= 0) {
            throw new IllegalStateException("storage of " + bytes + " bytes was already released");
        }
    }

    /** Drops one reference; the last one closes the view arena and returns the memory to Arrow. */
    public void release() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            StepArena p = pool;
            if (p != null) {
                p.give(block);  // memory stays mapped and viewed, ready for the next step
            } else if (block != null) {
                block.free();   // left its arena (kept or moved out): free it like any other storage
            } else if (arena == null) {
                buf.getReferenceManager().release();  // a recycled block: goes back once Arrow lets go of it
            } else {
                arena.close();
                buf.getReferenceManager().release();
            }
            Memory.untrack(this);
        } else if (left < 0) {
            throw new IllegalStateException("storage of " + bytes + " bytes released more often than retained");
        }
    }

    /** Moves the accounting of this memory to {@code target} (same root); the address stays the same. */
    void transferTo(BufferAllocator target) {
        pool = null;  // memory that leaves its step for good no longer returns to the arena
        if (allocator() == target) return;
        ArrowBuf old = buf;
        buf = old.getReferenceManager().transferOwnership(old, target).getTransferredBuffer();
        old.getReferenceManager().release();
        if (block != null) block = block.withBuf(buf);
    }

    @Override
    public String toString() {
        return "Storage(" + bytes + " bytes in '" + allocator().getName() + "', refs=" + refs.get() + ")";
    }
}
