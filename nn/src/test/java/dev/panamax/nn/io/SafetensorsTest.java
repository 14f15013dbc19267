package dev.panamax.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors reader checks what the format promises (as its reference implementation does): offsets in order,
 * without gaps or overlaps, covering the data section exactly; shapes without negatives or overflow; the file
 * and tensor named in every error. The writer gives the same bytes for the same weights and normal permissions.
 */
class SafetensorsTest {
    /** A file of {@code header} (JSON) and {@code dataBytes} zero bytes of data. */
    private static Path file(Path dir, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        return Files.write(dir.resolve("w" + Integer.toHexString(header.hashCode()) + ".safetensors"), b.array());
    }

    private static String refused(Path f) {
        try (MemoryScope s = MemoryScope.open("t")) {
            IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
            assertTrue(e.getMessage().startsWith(f.toString()), "the file is not named: " + e.getMessage());
            return e.getMessage();
        }
    }

    private static String tensor(String name, String shape, long begin, long end) {
        return "\"" + name + "\": {\"dtype\": \"F32\", \"shape\": " + shape + ", \"data_offsets\": [" + begin + ", " + end + "]}";
    }

    @Test
    void overlappingGappedOrShortOffsetsAreRefused(@TempDir Path dir) throws IOException {
        assertTrue(refused(file(dir, "{" + tensor("a", "[2]", 0, 8) + ", " + tensor("b", "[2]", 4, 12) + "}", 12))
                .contains("tensor 'b' starts at data offset 4 but 'a' ends at 8: their bytes overlap"));
        assertTrue(refused(file(dir, "{" + tensor("a", "[2]", 0, 8) + ", " + tensor("b", "[2]", 12, 20) + "}", 20)).contains("a gap"));
        assertTrue(refused(file(dir, "{" + tensor("a", "[2]", 8, 16) + "}", 16)).contains("the data section starts at 0"));
        assertTrue(refused(file(dir, "{" + tensor("a", "[2]", 0, 8) + "}", 12)).contains("the tensors cover 8 of the 12 data bytes"));
    }

    @Test
    void offsetsOutOfHeaderOrderAreFine(@TempDir Path dir) throws IOException {
        Path f = file(dir, "{" + tensor("b", "[1]", 8, 12) + ", " + tensor("a", "[2]", 0, 8) + "}", 12);
        try (MemoryScope s = MemoryScope.open("t")) {
            Map<String, Tensor> t = Safetensors.read(f);
            assertEquals(java.util.List.of("b", "a"), java.util.List.copyOf(t.keySet()));
            t.values().forEach(Tensor::close);
        }
    }

    @Test
    void negativeOrOverflowingShapesNameTheTensor(@TempDir Path dir) throws IOException {
        assertTrue(refused(file(dir, "{" + tensor("w", "[-2, 3]", 0, 8) + "}", 8))
                .contains("tensor 'w' has shape [-2,3]: dimensions must be whole numbers >= 0"));
        assertTrue(refused(file(dir, "{" + tensor("w", "[4294967296, 4294967296, 16]", 0, 8) + "}", 8))
                .contains("tensor 'w' has shape [4294967296,4294967296,16], whose element count overflows 64 bits"));
        assertTrue(refused(file(dir, "{" + tensor("w", "[2305843009213693952]", 0, 8) + "}", 8)).contains("byte size overflows"));
        assertTrue(refused(file(dir, "[1, 2]", 0)).contains("not a JSON object"));
        assertTrue(refused(file(dir, "{\"w\": 3}", 0)).contains("tensor 'w' needs"));
    }

    @Test
    void filesOver2GbAreMappedNotReadIntoAnArray(@TempDir Path dir) throws IOException {
        // Sparse: 3 GB on paper, a few bytes on disk. Files.readAllBytes cannot hold it at all.
        Path f = file(dir, "{\"__metadata__\": {\"producer\": \"test\"}, " + tensor("a", "[2]", 0, 8) + "}", 8);
        long size = 3L << 30;
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
        }
        assertEquals(Map.of("producer", "test"), Safetensors.metadata(f));
        String m = refused(f);
        assertTrue(m.matches(".*the tensors cover 8 of the 3221225\\d{3} data bytes.*"), m);
    }

    @Test
    void theSameWeightsGiveTheSameBytesWithTheUmasksPermissions(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t"); Tensor w = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)) {
            Map<String, String> one = new LinkedHashMap<>(), two = new LinkedHashMap<>();
            for (String k : new String[] {"format", "producer", "epoch", "learning_rate", "optimizer"}) one.put(k, k.toUpperCase());
            for (String k : new String[] {"optimizer", "epoch", "producer", "learning_rate", "format"}) two.put(k, k.toUpperCase());
            Path a = dir.resolve("a.safetensors"), b = dir.resolve("b.safetensors");
            Safetensors.write(a, Map.of("w", w), one);
            Safetensors.write(b, Map.of("w", w), two);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "metadata order changed the bytes");
            AtomicFiles.write(dir.resolve("c.json"), "{}");
            var plain = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));
            assertEquals(plain, Files.getPosixFilePermissions(a), "a weights file's permissions differ from a plain new file's (the umask's)");
            assertEquals(plain, Files.getPosixFilePermissions(dir.resolve("c.json")));
        }
    }
}
