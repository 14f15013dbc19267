package dev.panamax.tensors;

import dev.panamax.kernels.StridedCopy;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread staging buffers for operands whose rows are not contiguous: a strided or broadcast run is copied
 * here first so the contiguous kernels can read it. On-heap ({@code byte[]}) so they need no off-heap
 * accounting; the Vector API reads {@code byte[]}-backed segments.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final MemorySegment[] slots = new MemorySegment[3];

    private Scratch() {
        for (int i = 0; i < slots.length; i++) slots[i] = MemorySegment.ofArray(new byte[StridedLoop.CHUNK * 8]);
    }

    static Scratch get() {
        return LOCAL.get();
    }

    /**
     * A contiguous view of {@code n} elements of {@code t} starting at element offset {@code off} with
     * stride {@code stride}: the tensor's own memory when the stride is 1, else a copy in slot {@code slot}.
     * Read it at element offset {@link #offset(long, long)}.
     */
    MemorySegment contiguous(int slot, Tensor t, long off, long stride, long n) {
        if (stride == 1) {
            return t.segment();
        }
        MemorySegment dst = slots[slot];
        if (stride == 0) {
            // Broadcast one value by doubling copies: log2(n) bulk copies instead of n scalar stores.
            int w = t.dtype().byteSize();
            MemorySegment.copy(t.segment(), off * w, dst, 0, w);
            for (long have = 1; have < n; have *= 2) {
                MemorySegment.copy(dst, 0, dst, have * w, Math.min(have, n - have) * w);
            }
            return dst;
        }
        StridedCopy.gather(t.dtype().byteSize(), dst, 0, t.segment(), off, stride, n);
        return dst;
    }

    /** The element offset to read the segment {@link #contiguous} returned at. */
    static long offset(long off, long stride) {
        return stride == 1 ? off : 0;
    }
}
