package dev.panamax.apps.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.tensors.memory.Memory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tensor model's batch runner alone: requests split back in order, and no allocator call per batch once warm. */
class TensorEngineTest {
    @Test
    void aWarmEngineAnswersEachRequestAndAllocatesNothing(@TempDir Path dir) throws Exception {
        Path model = ServerTestSupport.saveCnn(dir.resolve("cnn"), 5);
        float[][] x = ServerTestSupport.images(12, 3);
        float[][] want = ServerTestSupport.expected(model, x);
        try (TensorModel.Engine e = new TensorModel.Engine(model, 4)) {
            for (int n = 1; n <= 4; n++) e.run(List.of(new Input(n, new float[784 * n])));  // as warm-up does
            long before = Memory.allocationCount(), arena = e.freshAllocations();
            Random r = new Random(1);
            for (int round = 0; round < 50; round++) {
                // requests of 1-3 rows, 5 of them: more than one batch of 4, split across batches
                List<Input> in = new ArrayList<>();
                List<Integer> first = new ArrayList<>();
                for (int q = 0, at = r.nextInt(12); q < 5; q++) {
                    int rows = 1 + r.nextInt(3);
                    float[] v = new float[784 * rows];
                    for (int k = 0; k < rows; k++) System.arraycopy(x[(at + k) % 12], 0, v, 784 * k, 784);
                    in.add(new Input(rows, v));
                    first.add(at);
                    at = (at + rows) % 12;
                }
                List<float[]> out = e.run(in);
                for (int q = 0; q < in.size(); q++) {
                    for (int k = 0; k < in.get(q).rows(); k++) {
                        float[] row = java.util.Arrays.copyOfRange(out.get(q), 10 * k, 10 * k + 10);
                        assertArrayEquals(want[(first.get(q) + k) % 12], row, 1e-5f, "round " + round + ", request " + q + ", row " + k);
                    }
                }
            }
            assertEquals(arena, e.freshAllocations(), "the step arena grew after warm-up");
            assertEquals(before, Memory.allocationCount(), "allocator calls after warm-up");
        }
    }
}
