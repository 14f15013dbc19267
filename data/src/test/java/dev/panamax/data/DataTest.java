package dev.panamax.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {
    static byte[] idx(int dimsCode, int[] shape, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dimsCode);
        for (int d : shape) out.writeInt(d);
        out.write(data);
        return bytes.toByteArray();
    }

    /** Image i is filled with the value 10·label, so a wrongly paired example is easy to spot. */
    static void writeImages(Path dir, int n) throws IOException {
        byte[] img = new byte[n * 4], lab = new byte[n];
        for (int i = 0; i < n; i++) {
            lab[i] = (byte) (i % 10);
            for (int p = 0; p < 4; p++) img[i * 4 + p] = (byte) (10 * lab[i]);
        }
        Files.write(dir.resolve("images"), idx(3, new int[] {n, 2, 2}, img));
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(dir.resolve("labels.gz")))) {
            gz.write(idx(1, new int[] {n}, lab));
        }
    }

    @Test
    void readsRawAndGzipAndNormalises(@TempDir Path dir) throws IOException {
        writeImages(dir, 30);
        try (MemoryScope s = MemoryScope.open("t"); Dataset d = Dataset.readIdx(dir.resolve("images"), dir.resolve("labels.gz"), 0)) {
            assertArrayEquals(new long[] {30, 2, 2, 1}, d.images().shape());
            assertEquals(10, d.classes());
            assertEquals(90 / 255.0, d.images().getDouble(9, 1, 1, 0), 1e-6);
        }
    }

    @Test
    void readsPixelsAsBytesThatScaleToWhatReadIdxGives(@TempDir Path dir) throws IOException {
        writeImages(dir, 30);
        try (MemoryScope s = MemoryScope.open("t");
             Dataset floats = Dataset.readIdx(dir.resolve("images"), dir.resolve("labels.gz"), 0);
             Dataset bytes = Dataset.readIdxPixels(dir.resolve("images"), dir.resolve("labels.gz"), 0);
             Dataset few = Dataset.readIdxPixels(dir.resolve("images"), dir.resolve("labels.gz"), 7)) {
            assertEquals(DType.U8, bytes.images().dtype());
            assertArrayEquals(new long[] {30, 2, 2, 1}, bytes.images().shape());
            assertEquals(90, bytes.images().getDouble(9, 1, 1, 0));
            float[] f = floats.images().toFloatArray();
            byte[] b = new byte[f.length];
            bytes.images().segment().asByteBuffer().get(0, b);
            for (int i = 0; i < f.length; i++) assertEquals(f[i], (b[i] & 0xFF) * (float) Dataset.PIXEL_SCALE, 1e-7f, "pixel " + i);
            assertArrayEquals(floats.labels().toLongArray(), bytes.labels().toLongArray());
            assertArrayEquals(new long[] {7, 2, 2, 1}, few.images().shape());
            assertEquals(7, few.labels().dim(0));
        }
    }

    /** The tutorial shuffled images and labels separately, pairing images with random labels; this catches that. */
    @Test
    void shufflingKeepsEveryImageWithItsLabel(@TempDir Path dir) throws IOException {
        writeImages(dir, 200);
        try (MemoryScope s = MemoryScope.open("t"); Dataset d = Dataset.readIdx(dir.resolve("images"), dir.resolve("labels.gz"), 0)) {
            Dataset sh = d.shuffled(new Rng(3));
            float[] px = sh.images().toFloatArray();
            long[] lab = sh.labels().toLongArray();
            int moved = 0;
            for (int i = 0; i < lab.length; i++) {
                assertEquals(10 * lab[i] / 255.0, px[i * 4], 1e-6, "example " + i + " lost its label");
                if (lab[i] != i % 10) moved++;
            }
            assertTrue(moved > 100, "the order must actually change");
        }
    }

    @Test
    void corruptFilesAreRejectedWithTheReason(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        IOException magic = assertThrows(IOException.class, () -> Idx.read(bad));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
        byte[] full = idx(3, new int[] {10, 2, 2}, new byte[40]);
        Path cut = dir.resolve("cut");
        Files.write(cut, java.util.Arrays.copyOf(full, full.length - 5));
        IOException trunc = assertThrows(IOException.class, () -> Idx.read(cut));
        assertTrue(trunc.getMessage().contains("truncated") && trunc.getMessage().contains("35"), trunc.getMessage());
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        assertThrows(IOException.class, () -> Idx.read(empty));
        Path longer = dir.resolve("long");
        Files.write(longer, java.util.Arrays.copyOf(full, full.length + 3));
        assertThrows(IOException.class, () -> Idx.read(longer));
        IOException missing = assertThrows(IOException.class, () -> Mnist.locate(dir));
        assertTrue(missing.getMessage().contains("train-images-idx3-ubyte"), missing.getMessage());
    }

    /** Files larger than the reader's first off-heap block: it grows the block as data arrives, raw and gzipped. */
    @Test
    void readsFilesOfSeveralMegabytesExactlyAndFreesAPartialReadOnError(@TempDir Path dir) throws IOException {
        byte[] data = new byte[37 * 85_021];  // 3 MB and a bit: the first 1 MB block grows twice
        new java.util.Random(7).nextBytes(data);
        byte[] file = idx(3, new int[] {data.length / 37, 37, 1}, data);
        Path raw = dir.resolve("big"), gz = dir.resolve("big.gz"), cut = dir.resolve("cut");
        Files.write(raw, file);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(file);
        }
        Files.write(cut, java.util.Arrays.copyOf(file, file.length - 1000));
        Memory.Snapshot before = Memory.snapshot();
        for (Path p : new Path[] {raw, gz}) {
            try (Tensor t = Idx.read(p)) {
                assertArrayEquals(new long[] {data.length / 37, 37, 1}, t.shape());
                byte[] back = new byte[data.length];
                MemorySegment.copy(t.segment(), ValueLayout.JAVA_BYTE, t.offset(), back, 0, back.length);
                assertArrayEquals(data, back, p.toString());
            }
        }
        IOException trunc = assertThrows(IOException.class, () -> Idx.read(cut));
        assertTrue(trunc.getMessage().contains("but only " + (data.length - 1000) + " follow"), trunc.getMessage());
        Memory.checkNoLeaksSince(before);
    }
}
