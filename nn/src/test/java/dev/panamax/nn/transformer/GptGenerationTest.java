package dev.panamax.nn.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generation with the key/value cache against full forward passes, and seeded sampling. */
class GptGenerationTest {
    static Gpt model() {
        return new Gpt(new GptConfig(13, 12, 2, 2, 16, false), 3).build();
    }

    @Test
    void cachedLogitsEqualAFullForwardPassOverTheSameTokens() {
        try (MemoryScope s = MemoryScope.open("kv")) {
            Gpt gpt = model();
            int[] ids = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
            Tensor full = gpt.forward(Var.of(Tensor.of(ids, 1, ids.length)), false).value();  // (1, 10, V)
            float[] want = full.toFloatArray();
            try (KvCache cache = gpt.newCache()) {
                List<float[]> got = new ArrayList<>();
                got.add(gpt.forwardCached(new int[] {3, 1, 4, 1}, cache).toFloatArray());  // the prompt in one pass
                for (int i = 4; i < ids.length; i++) got.add(gpt.forwardCached(new int[] {ids[i]}, cache).toFloatArray());
                assertEquals(ids.length, cache.length());
                int pos = 0;
                for (float[] g : got) {
                    for (int j = 0; j < g.length; j++, pos++) assertEquals(want[pos], g[j], 1e-5, "logit " + j % 13 + " at position " + pos / 13);
                }
                assertEquals(want.length, pos);
                assertThrows(IllegalArgumentException.class, () -> gpt.forwardCached(new int[] {1, 2, 3}, cache), "past the context");
            }
        }
    }

    @Test
    void generationIsDeterministicForASeedAndRunsPastTheContext() {
        try (MemoryScope s = MemoryScope.open("generate"); GptGenerator g = new GptGenerator(model())) {
            int[] a = g.generate(new int[] {1, 2}, 30, new Sampler(1.0, 5, 0.9, 42), t -> { });
            int[] b = g.generate(new int[] {1, 2}, 30, new Sampler(1.0, 5, 0.9, 42), t -> { });
            int[] c = g.generate(new int[] {1, 2}, 30, new Sampler(1.0, 5, 0.9, 43), t -> { });
            assertEquals(32, a.length);
            assertArrayEquals(a, b, "same seed, same tokens");
            assertTrue(!java.util.Arrays.equals(a, c), "another seed should give other tokens");
            for (int t : a) assertTrue(t >= 0 && t < 13);
            assertThrows(IllegalArgumentException.class, () -> g.generate(new int[13], 1, new Sampler(0, 0, 1, 1), t -> { }));
        }
    }

    @Test
    void greedyPicksTheLargestLogitAndTopKOneIsGreedy() {
        float[] logits = {0.1f, 2.5f, -1f, 2.4f};
        assertEquals(1, new Sampler(0, 0, 1, 7).next(logits));
        Sampler topOne = new Sampler(2.0, 1, 1, 7);
        for (int i = 0; i < 20; i++) assertEquals(1, topOne.next(logits));
        Sampler nucleus = new Sampler(1.0, 0, 0.45, 7);  // the largest holds 0.494 of the mass: top-p 0.45 keeps it alone
        for (int i = 0; i < 20; i++) assertEquals(1, nucleus.next(logits));
        // Ranking by logit, negative values and ties (by id) included: top-k 2 of these only ever picks 3 or 0.
        float[] mixed = {1.5f, -3f, -0.25f, 1.5f, -3f};
        Sampler topTwo = new Sampler(1.0, 2, 1, 11);
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 200; i++) seen.add(topTwo.next(mixed));
        assertEquals(java.util.Set.of(0, 3), seen);
        assertEquals(2, new Sampler(0, 0, 1, 1).next(new float[] {-5f, -4f, -0.5f, -2f}));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(-1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(1, 0, 0, 1));
    }
}
