package dev.panamax.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** 50 images of 3x3x1 where every pixel of image i is i and its label is i. */
    static Dataset numbered(int n) {
        float[] px = new float[n * 9];
        long[] lab = new long[n];
        for (int i = 0; i < n; i++) {
            lab[i] = i;
            for (int p = 0; p < 9; p++) px[i * 9 + p] = i;
        }
        return new Dataset(Tensor.of(px, n, 3, 3, 1), Tensor.of(lab, n));
    }

    @Test
    void everyExampleOnceWithItsLabelAndNoAllocationPerBatch() {
        try (MemoryScope s = MemoryScope.open("t"); Dataset d = numbered(50); DataLoader loader = new DataLoader(d, 8, true, 3, Augmentation.NONE)) {
            long before = Memory.allocationCount();
            for (DataLoader.Batch b : loader.epoch(5)) {  // batches are views of the two reused buffers
                b.images().close();
                b.labels().close();
            }
            assertEquals(before, Memory.allocationCount(), "an epoch of batches allocates no tensor memory");
            for (int epoch = 0; epoch < 2; epoch++) {
                Set<Long> seen = new HashSet<>();
                int batches = 0;
                for (DataLoader.Batch b : loader.epoch(epoch)) {
                    float[] px = b.images().toFloatArray();
                    long[] lab = b.labels().toLongArray();
                    for (int i = 0; i < b.size(); i++) {
                        assertEquals(lab[i], px[i * 9], "image and label travel together");
                        seen.add(lab[i]);
                    }
                    b.images().close();
                    b.labels().close();
                    batches++;
                }
                assertEquals(7, batches);
                assertEquals(50, seen.size());
            }
            long[] first = firstBatchLabels(loader, 0), again = firstBatchLabels(loader, 0), other = firstBatchLabels(loader, 1);
            assertArrayEquals(first, again, "same seed and epoch, same order");
            assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(other), "each epoch reshuffles");
        }
    }

    /** Bytes scaled in the batch copy give the batches that the same data held as floats gives, augmented or not. */
    @Test
    void bytesAreScaledAsTheBatchIsCopied() {
        int n = 20;
        byte[] raw = new byte[n * 16];
        float[] scaled = new float[raw.length];
        Rng rng = new Rng(5);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) rng.nextInt(256);
            scaled[i] = (raw[i] & 0xFF) * (1f / 255) - 0.5f;
        }
        long[] lab = new long[n];
        for (int i = 0; i < n; i++) lab[i] = i;
        for (Augmentation aug : new Augmentation[] {Augmentation.NONE, new Augmentation(1, 15, 0.5)}) {
            try (MemoryScope s = MemoryScope.open("t"); Tensor u8 = Tensor.empty(DType.U8, n, 4, 4, 1); Tensor f32 = Tensor.of(scaled, n, 4, 4, 1);
                 Tensor labels = Tensor.of(lab, n);
                 DataLoader fromBytes = new DataLoader(u8, labels, 6, true, 9, aug, 1.0 / 255, -0.5);
                 DataLoader fromFloats = new DataLoader(f32, labels, 6, true, 9, aug)) {
                u8.segment().asByteBuffer().put(0, raw);
                java.util.Iterator<DataLoader.Batch> a = fromBytes.epoch(2).iterator(), b = fromFloats.epoch(2).iterator();
                int batches = 0;
                while (a.hasNext()) {
                    DataLoader.Batch x = a.next(), y = b.next();
                    assertEquals(DType.F32, x.images().dtype());
                    float[] got = x.images().toFloatArray(), want = y.images().toFloatArray();
                    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-6f, aug + ", batch " + batches + ", value " + i);
                    assertArrayEquals(y.labels().toLongArray(), x.labels().toLongArray());
                    for (Tensor t : new Tensor[] {x.images(), x.labels(), y.images(), y.labels()}) t.close();
                    batches++;
                }
                assertEquals(4, batches);
                assertTrue(!b.hasNext());
            }
        }
    }

    static long[] firstBatchLabels(DataLoader loader, int epoch) {
        long[] out = null;
        for (DataLoader.Batch b : loader.epoch(epoch)) {
            if (out == null) out = b.labels().toLongArray();
            b.images().close();
            b.labels().close();
        }
        return out;
    }

    @Test
    void augmentationShiftsRotatesAndFlips() {
        float[] img = new float[5 * 5];
        img[2 * 5 + 1] = 1;  // one bright pixel left of centre
        float[] out = new float[25];
        new Augmentation(0, 0, 1.0).apply(img, out, 5, 5, 1, new Rng(1));
        assertEquals(1f, out[2 * 5 + 3], 1e-6, "flipped to the right of centre");
        new Augmentation(0, 90, 0).apply(img, out, 5, 5, 1, new Rng(7));
        float total = 0;
        for (float v : out) total += v;
        assertTrue(total > 0.5f, "a rotation keeps the pixel's mass inside the image");
        new Augmentation(1, 0, 0).apply(img, out, 5, 5, 1, new Rng(3));
        float moved = 0;
        for (int i = 0; i < 25; i++) if (i != 11) moved += out[i];
        assertTrue(moved > 0 || out[11] == 1f);
        try (MemoryScope s = MemoryScope.open("t"); Dataset d = numbered(10)) {
            double[] ms = d.meanStd();
            assertEquals(4.5, ms[0], 1e-6);
            Dataset z = d.standardized(ms[0], ms[1]);
            assertEquals(0, z.images().mean().item(), 1e-6);
            z.close();
        }
    }
}
