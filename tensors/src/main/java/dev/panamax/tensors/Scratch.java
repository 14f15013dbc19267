package dev.panamax.tensors;

import dev.panamax.kernels.StridedCopy;
import dev.panamax.tensors.memory.Memory;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Staging buffers for operands whose rows are not contiguous: a strided or broadcast run is copied here
 * first so the contiguous vector kernels can read it. Off-heap (vector kernels only see native memory; see
 * {@code Elementwise}) and taken from {@link Memory#scratch()}, so every byte is accounted by Arrow. Each
 * thread caches one; extra ones (nested use) come from a shared pool. Take one with {@link #acquire()} and
 * hand it back with {@link #release()}.
 */
final class Scratch {
    private static final int SLOTS = 3;
    private static final long SLOT_BYTES = StridedLoop.CHUNK * 8L;
    private static final ConcurrentLinkedQueue<Scratch> POOL = new ConcurrentLinkedQueue<>();
    /** One cached Scratch per thread: the common case takes no lock-free queue round trip. */
    private static final ThreadLocal<Scratch[]> CACHED = ThreadLocal.withInitial(() -> new Scratch[1]);

    private final MemorySegment[] slots = new MemorySegment[SLOTS];

    private Scratch() {
        MemorySegment block = Memory.scratch(SLOTS * SLOT_BYTES);
        for (int i = 0; i < SLOTS; i++) slots[i] = block.asSlice(i * SLOT_BYTES, SLOT_BYTES);
    }

    static Scratch acquire() {
        Scratch[] slot = CACHED.get();
        Scratch s = slot[0];
        if (s != null) {
            slot[0] = null;
            return s;
        }
        s = POOL.poll();
        return s != null ? s : new Scratch();
    }

    void release() {
        Scratch[] slot = CACHED.get();
        if (slot[0] == null) slot[0] = this;
        else POOL.offer(this);
    }

    /**
     * A contiguous view of {@code n} elements of {@code t} starting at element offset {@code off} with
     * stride {@code stride}: the tensor's own memory when the stride is 1, else a copy in slot {@code slot}.
     * Read it at element offset {@link #offset(long, long)}.
     */
    MemorySegment contiguous(int slot, Tensor t, long off, long stride, long n) {
        if (stride == 1) return t.segment();
        MemorySegment dst = slots[slot];
        int w = t.dtype().byteSize();
        if (stride == 0) {
            // Broadcast one value by doubling copies: log2(n) bulk copies instead of n scalar stores.
            MemorySegment.copy(t.segment(), off * w, dst, 0, w);
            for (long have = 1; have < n; have *= 2) {
                MemorySegment.copy(dst, 0, dst, have * w, Math.min(have, n - have) * w);
            }
            return dst;
        }
        StridedCopy.gather(w, dst, 0, t.segment(), off, stride, n);
        return dst;
    }

    /** The element offset to read the segment {@link #contiguous} returned at. */
    static long offset(long off, long stride) {
        return stride == 1 ? off : 0;
    }
}
