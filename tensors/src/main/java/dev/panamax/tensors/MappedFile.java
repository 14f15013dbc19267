package dev.panamax.tensors;

import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.Storage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;

/**
 * A file mapped into memory copy-on-write, whose bytes tensors view without copying (loading weights zero-copy).
 * The mapping is one Arrow buffer ({@link BufferAllocator#wrapForeignAllocation}), accounted to an allocator like
 * any tensor memory, so leak checks see it; every tensor made by {@link #tensor} holds a reference to it, and the
 * last one released (this handle's included) unmaps the file. Writes through a tensor change this process's copy of
 * the page, never the file (the mapping is private). A file replaced by a rename while mapped (as Panamax's atomic
 * saves do) or deleted stays readable: the mapping keeps the old one.
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final MemorySegment all;
    private final ArrowBuf buf;
    /** Whether tensors may view the mapping (it is private and writable) rather than copy from it. */
    private final boolean viewable;
    private boolean closed;

    private MappedFile(Path path, MemorySegment all, ArrowBuf buf, boolean viewable) {
        this.path = path;
        this.all = all;
        this.buf = buf;
        this.viewable = viewable;
    }

    /**
     * Maps {@code path}, accounted to the allocator that holds {@code accountLike}'s memory (so the mapping lives as
     * long as the tensors it will replace may), or to the current scope's when it is null. An empty file is refused.
     *
     * @param path        the file
     * @param accountLike a tensor whose allocator the mapping is charged to, or null
     * @return the mapping; close it (or let the last tensor viewing it go)
     * @throws IOException when the file cannot be opened or mapped, or is empty
     */
    public static MappedFile open(Path path, Tensor accountLike) throws IOException {
        // An empty tensor's storage is Arrow's shared empty buffer, whose allocator takes nothing: use the scope's.
        BufferAllocator allocator = accountLike != null && accountLike.storage().byteSize() > 0 ? accountLike.storage().allocator() : Memory.current();
        Arena arena = Arena.ofShared();
        // Java maps a file copy-on-write only through a channel open for writing (nothing is written: the mapping is
        // private). A file this process may not write (read-only file or mount) is mapped read-only, and its tensors
        // are copies, since a write through a read-only mapping would crash the process.
        boolean writable = Files.isWritable(path);
        try (FileChannel ch = writable ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE) : FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new IOException(path + ": the file is empty");
            MemorySegment all = ch.map(writable ? FileChannel.MapMode.PRIVATE : FileChannel.MapMode.READ_ONLY, 0, size, arena);
            ArrowBuf buf;
            try {
                buf = allocator.wrapForeignAllocation(new ForeignAllocation(size, all.address()) {
                    @Override
                    protected void release0() {
                        arena.close();  // unmaps: the last view of the file is gone
                    }
                });
            } catch (org.apache.arrow.memory.OutOfMemoryException e) {
                throw new IOException(path + ": cannot map its " + size + " bytes: " + e.getMessage(), e);  // an allocator's limit
            }
            return new MappedFile(path, all, buf, writable);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** {@return the whole file, valid until {@link #close()} (for reading headers; tensors come from {@link #tensor})} */
    public MemorySegment segment() {
        if (closed) throw new IllegalStateException(path + ": the mapping was closed");
        return all;
    }

    /**
     * A contiguous tensor of {@code shape} over the file's bytes from {@code byteOffset}: a view of the mapping when
     * the address suits the dtype (a multiple of its size), else a copy (a file written without alignment, or one
     * this process may not write, which is mapped read-only).
     *
     * @param dtype      the element type
     * @param byteOffset where the data starts in the file
     * @param shape      the tensor's shape; it must fit in the file
     * @return the tensor, owned by the caller's scope
     */
    public Tensor tensor(DType dtype, long byteOffset, long... shape) {
        segment();
        long[] s = Shape.validate("MappedFile.tensor", shape);
        long bytes = Math.multiplyExact(Shape.numel(s), (long) dtype.byteSize());
        if (viewable && (all.address() + byteOffset) % dtype.byteSize() == 0) {
            return new Tensor(dtype, s, Shape.contiguousStrides(s), 0, Storage.wrap(buf, byteOffset, bytes));
        }
        Tensor t = Tensor.empty(dtype, s);
        MemorySegment.copy(all, byteOffset, t.segment(), 0, bytes);
        return t;
    }

    /** Drops this handle's reference; the file stays mapped while tensors made from it are open. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        buf.getReferenceManager().release();
    }
}
