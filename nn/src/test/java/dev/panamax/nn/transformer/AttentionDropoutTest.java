package dev.panamax.nn.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Attention dropout in a GPT: only while training, a fresh mask per forward pass, gradients through it. */
class AttentionDropoutTest {
    static final GptConfig SHAPE = new GptConfig(13, 12, 2, 2, 16, false);
    static final int[] IDS = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};

    static float[] logits(Gpt gpt, boolean training) {
        return gpt.forward(Var.of(Tensor.of(IDS, 2, 6)), training).value().toFloatArray();
    }

    @Test
    void inferenceNeverDropsAndTrainingDoes() {
        try (MemoryScope s = MemoryScope.open("dropout")) {
            Gpt plain = new Gpt(SHAPE, 3).build(), dropping = new Gpt(SHAPE.withAttentionDropout(0.3), 3).build();
            float[] reference = logits(plain, false);
            assertArrayEquals(reference, logits(dropping, false), "inference ignores the dropout");
            assertArrayEquals(reference, logits(plain, true), "a GPT without attention dropout trains deterministically");
            float[] first = logits(dropping, true), second = logits(dropping, true);
            assertFalse(Arrays.equals(reference, first), "training drops attention probabilities");
            assertFalse(Arrays.equals(first, second), "each training pass draws a new mask");
            assertArrayEquals(first, logits(new Gpt(SHAPE.withAttentionDropout(0.3), 3).build(), true), "the model's seed fixes the masks");
        }
    }

    @Test
    void gradientsFlowThroughTheMask() {
        try (MemoryScope s = MemoryScope.open("dropout-grad")) {
            Gpt gpt = new Gpt(SHAPE.withAttentionDropout(0.5), 3).build();
            Var loss = F.mean(F.square(gpt.forward(Var.of(Tensor.of(IDS, 2, 6)), true)));
            loss.backward();
            for (Var p : gpt.params()) {
                for (float g : p.grad().toFloatArray()) assertTrue(Float.isFinite(g));
            }
            assertTrue(Arrays.stream(gpt.params().get(2).grad().toDoubleArray()).anyMatch(g -> g != 0), "the first block's norm gets a gradient");
        }
    }

    @Test
    void rateOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SHAPE.withAttentionDropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> SHAPE.withAttentionDropout(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(2, true, 1, Double.NaN));
    }
}
