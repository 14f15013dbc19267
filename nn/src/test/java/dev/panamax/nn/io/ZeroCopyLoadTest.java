package dev.panamax.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded model's weights are views of the memory-mapped weights file, not copies: the scope holds the mapping's
 * bytes and nothing more; the model predicts as the saved one did; writing to a weight (training) leaves
 * the file alone; a later save over the folder leaves the loaded model alone; closing the model unmaps the file.
 */
class ZeroCopyLoadTest {
    @Test
    void loadedWeightsViewTheMappedFile(@TempDir Path dir) throws IOException {
        Path saved = dir.resolve("model"), wts = saved.resolve(ModelIo.WEIGHTS);
        Tensor x;
        float[] want;
        try (MemoryScope s = MemoryScope.open("save")) {
            Sequential m = Models.tutorialCnn(42, 10).build(28, 28, 1);
            ModelIo.save(m, saved);
            x = s.keep(Tensor.rand(new Rng(2), DType.F32, 3, 28, 28, 1));
            want = ModelIoTest.infer(m, x);
        }
        byte[] file = Files.readAllBytes(wts);
        try (MemoryScope s = MemoryScope.open("load")) {
            long base = Memory.allocatedBytes();
            Sequential back = ModelIo.load(saved);
            // Copies would add their own bytes; the model's own weights, allocated at build, were released.
            assertEquals(file.length, Memory.allocatedBytes() - base, "the mapping alone, accounted once, holds the weights");
            assertArrayEquals(want, ModelIoTest.infer(back, x));
            back.weights().values().iterator().next().fill(0.5);  // as training writes weights in place
            ModelIo.save(Models.tutorialCnn(7, 10).build(28, 28, 1), saved);  // replaces the file by a rename
            assertEquals(file.length, Files.size(wts));
            assertEquals(0.5, back.weights().values().iterator().next().getDouble(0, 0, 0, 0));
        } finally {  // the scope's close frees the model and fails if the mapping outlives it

            x.close();
        }
    }
}
