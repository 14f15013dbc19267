package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors over a memory-mapped file: views without a copy, accounted, private, released with their last view. */
class MappedFileTest {
    /** 4 header bytes, then the floats 1..8 (little-endian), then one stray byte and the floats 9, 10 unaligned. */
    static Path file(Path dir) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + 32 + 1 + 8).order(ByteOrder.LITTLE_ENDIAN).putInt(7);
        for (int i = 1; i <= 8; i++) b.putFloat(i);
        b.put((byte) 0).putFloat(9).putFloat(10);
        return Files.write(dir.resolve("f.bin"), b.array());
    }

    @Test
    void tensorsViewTheFileAndTheLastOneReleasesIt(@TempDir Path dir) throws IOException {
        Path f = file(dir);
        byte[] before = Files.readAllBytes(f);
        try (MemoryScope s = MemoryScope.open("t")) {
            long base = s.allocator().getAllocatedMemory();
            Tensor view, copy;
            try (MappedFile m = MappedFile.open(f, null)) {
                assertEquals(base + before.length, s.allocator().getAllocatedMemory(), "the mapping is accounted to the scope");
                view = m.tensor(DType.F32, 4, 2, 4);
                copy = m.tensor(DType.F32, 37, 2);  // not a multiple of 4 bytes from the page: copied
            }
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, view.toFloatArray());
            assertArrayEquals(new float[] {9, 10}, copy.toFloatArray());
            assertEquals(before.length, view.storage().arrowBuf().capacity(), "a view of the whole mapping");
            assertNotEquals(before.length, copy.storage().arrowBuf().capacity());
            view.set(42, 0, 0);  // copy-on-write: this process's page only
            assertEquals(42, view.getDouble(0, 0));
            view.close();
            copy.close();
            assertEquals(base, s.allocator().getAllocatedMemory(), "the last view unmapped the file");
        }
        assertArrayEquals(before, Files.readAllBytes(f), "a write through a view reached the file");
    }

    @Test
    void aTensorTakesTheFilesMemoryOnlyWhenItsOwnIsItsAlone(@TempDir Path dir) throws IOException {
        Path f = file(dir);
        try (MemoryScope s = MemoryScope.open("t"); MappedFile m = MappedFile.open(f, null)) {
            Tensor w = Tensor.zeros(DType.F32, 2, 4), src = m.tensor(DType.F32, 4, 2, 4);
            Tensor shared = Tensor.zeros(DType.F32, 2, 4), view = shared.reshape(8);
            assertFalse(shared.shareMemoryOf(src), "a view of its memory exists");
            assertFalse(w.shareMemoryOf(m.tensor(DType.F32, 4, 4, 2)), "another shape");
            assertTrue(w.shareMemoryOf(src));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, w.toFloatArray());
            assertEquals(src.storage(), w.storage());
            src.close();
            assertEquals(5, w.getDouble(1, 0), "the file stays mapped while a tensor views it");
            assertEquals(0, view.getDouble(0));
        }
        assertThrows(IOException.class, () -> MappedFile.open(Files.write(dir.resolve("empty"), new byte[0]), null));
    }

    /** A file this process may not write is mapped read-only, so its tensors are copies (a write would crash). */
    @Test
    void aReadOnlyFileGivesCopies(@TempDir Path dir) throws IOException {
        Path f = file(dir);
        java.nio.file.Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(f), "root writes any file");
        try (MemoryScope s = MemoryScope.open("t"); MappedFile m = MappedFile.open(f, null)) {
            Tensor t = m.tensor(DType.F32, 4, 8);
            assertNotEquals(Files.size(f), t.storage().arrowBuf().capacity());
            t.fill(3);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, m.tensor(DType.F32, 4, 8).toFloatArray());
        }
    }
}
