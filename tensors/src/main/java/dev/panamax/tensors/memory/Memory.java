package dev.panamax.tensors.memory;

import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.rounding.RoundingPolicy;

/**
 * The process-wide Arrow root allocator every tensor byte comes from, and leak checks over it.
 * Scopes hang child allocators below the root; see {@link MemoryScope}.
 */
public final class Memory {
    private static final RoundingPolicy ROUND_TO_ALIGNMENT = new RoundingPolicy() {
        @Override
        public long getRoundedSize(long requestSize) {
            long a = AlignedAllocationManager.ALIGNMENT;
            return (requestSize + a - 1) & -a;
        }
    };

    private static final RootAllocator ROOT = newRoot();

    /**
     * Kernel staging buffers live for the whole process in their own root, so they are accounted by Arrow
     * but never show up as leaks of the tensors' root.
     */
    private static final RootAllocator SCRATCH = newRoot();

    /** A root of 64-byte-aligned buffers, rounded to the alignment, not to powers of two (a 600 KB activation must not take 1 MB). */
    static RootAllocator newRoot() {
        return new RootAllocator(RootAllocator.configBuilder()
                .allocationManagerFactory(AlignedAllocationManager.FACTORY)
                .roundingPolicy(ROUND_TO_ALIGNMENT)
                .maxAllocation(Long.MAX_VALUE)
                .build());
    }

    private static final LiveStorages LIVE = new LiveStorages();

    private Memory() {}

    /** {@return the root allocator; Arrow vectors made from it can be viewed as tensors without copying} */
    public static BufferAllocator root() {
        return ROOT;
    }

    /** {@return the allocator new tensors take memory from on this thread: the innermost open scope's, else the root} */
    public static BufferAllocator current() {
        MemoryScope s = MemoryScope.current();
        return s == null ? ROOT : s.allocator();
    }

    /**
     * {@code bytes} of 64-byte-aligned off-heap memory for process-lifetime kernel scratch, accounted in a
     * separate Arrow root (see {@link #scratchBytes()}); never freed.
     *
     * @param bytes the size wanted
     * @return the memory, valid for the life of the process
     */
    public static MemorySegment scratch(long bytes) {
        org.apache.arrow.memory.ArrowBuf buf = SCRATCH.buffer(bytes);
        return MemorySegment.ofAddress(buf.memoryAddress()).reinterpret(bytes);
    }

    /** {@return the bytes held as kernel scratch} */
    public static long scratchBytes() {
        return SCRATCH.getAllocatedMemory();
    }

    /**
     * New tensor memory for the current thread: from the innermost scope's step arena if it has one, else
     * from its allocator (or the root).
     *
     * @param bytes the size wanted
     * @return uninitialised storage holding one reference, owned by the caller
     * @throws AllocationFailedException when the memory cannot be had
     */
    public static Storage allocate(long bytes) {
        MemoryScope s = MemoryScope.current();
        try {
            if (s != null && s.arena() != null) return Storage.pooled(s.arena(), bytes);
            BufferAllocator a = s == null ? ROOT : s.allocator();
            return Recycler.fits(bytes) ? Recycler.take(a, bytes) : Storage.allocate(a, bytes);
        } catch (org.apache.arrow.memory.OutOfMemoryException | OutOfMemoryError e) {
            // Arrow's and libc's refusals (a limit reached, aligned_alloc returning NULL) as one error that names the size.
            throw new AllocationFailedException("", bytes, e);
        }
    }

    /**
     * Bytes the small-tensor recycler holds in its own Arrow root (blocks waiting for reuse and blocks in use);
     * see {@link #trimRecycled()}.
     *
     * @return the bytes it holds
     */
    public static long recycledBytes() {
        return Recycler.heldBytes();
    }

    /** Frees the small-tensor blocks waiting for reuse. */
    public static void trimRecycled() {
        Recycler.trim();
    }

    /** {@return the number of buffers Panamax's allocation manager has created since start (each one an allocator call)} */
    public static long allocationCount() {
        return AlignedAllocationManager.CREATED.get();
    }

    /** {@return the bytes currently allocated by Panamax and anything else using {@link #root()}} */
    public static long allocatedBytes() {
        return ROOT.getAllocatedMemory();
    }

    /** {@return the peak bytes allocated since start} */
    public static long peakBytes() {
        return ROOT.getPeakMemoryAllocation();
    }

    /** {@return the number of tensor storages alive now} */
    public static int liveStorages() {
        return LIVE.size();
    }

    /**
     * Throws {@link IllegalStateException} naming what is still allocated: live tensor storages, open child
     * allocators (scopes or Arrow vectors' allocators) and the byte count. Tests call it after each test.
     */
    public static void checkNoLeaks() {
        long bytes = ROOT.getAllocatedMemory();
        List<Storage> live = LIVE.list();
        if (bytes == 0 && live.isEmpty() && ROOT.getChildAllocators().isEmpty()) return;
        StringBuilder sb = new StringBuilder("Memory leak: " + bytes + " bytes still allocated");
        if (!live.isEmpty()) {
            sb.append("; ").append(live.size()).append(" tensor storage(s) not released:");
            live.stream().limit(10).forEach(s -> sb.append("\n  ").append(s));
        }
        for (BufferAllocator child : ROOT.getChildAllocators()) {
            sb.append("\n  open allocator '").append(child.getName()).append("' holding ")
                    .append(child.getAllocatedMemory()).append(" bytes");
        }
        sb.append("\nClose tensors (try-with-resources or a MemoryScope) and Arrow vectors you create.");
        throw new IllegalStateException(sb.toString());
    }

    /**
     * What was allocated at one moment, to check later that nothing new is left over.
     *
     * @param bytes           the root allocator's allocated bytes
     * @param live            the tensor storages alive
     * @param childAllocators the number of open child allocators
     */
    public record Snapshot(long bytes, Set<Storage> live, int childAllocators) {}

    /**
     * {@return the root allocator's bytes, live storages and child allocators now, to compare with a later snapshot in
     * leak checks}
     */
    public static Snapshot snapshot() {
        return new Snapshot(ROOT.getAllocatedMemory(), Set.copyOf(LIVE.list()), ROOT.getChildAllocators().size());
    }

    /**
     * Like {@link #checkNoLeaks()}, but only for what was allocated after {@code before} was taken.
     *
     * @param before the snapshot taken at the start of the checked stretch
     * @throws IllegalStateException naming what was allocated since and is still alive
     */
    public static void checkNoLeaksSince(Snapshot before) {
        long bytes = ROOT.getAllocatedMemory() - before.bytes();
        List<Storage> fresh = LIVE.list().stream().filter(s -> !before.live().contains(s)).toList();
        int children = ROOT.getChildAllocators().size() - before.childAllocators();
        if (bytes <= 0 && fresh.isEmpty() && children <= 0) return;
        StringBuilder sb = new StringBuilder("Memory leak: " + bytes + " more bytes allocated than before");
        if (!fresh.isEmpty()) {
            sb.append("; ").append(fresh.size()).append(" new tensor storage(s) not released:");
            fresh.stream().limit(10).forEach(s -> sb.append("\n  ").append(s));
        }
        if (children > 0) sb.append("\n  ").append(children).append(" allocator(s) (scopes or vectors' allocators) left open");
        sb.append("\nClose tensors (try-with-resources or a MemoryScope) and Arrow vectors you create.");
        throw new IllegalStateException(sb.toString());
    }

    static void track(Storage s) {
        LIVE.add(s);
    }

    static void untrack(Storage s) {
        LIVE.remove(s);
    }
}
