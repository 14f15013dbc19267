package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

class LayersTest {
    /** Every layer kind in one stack (ModelIoTest saves and loads the same stack). */
    static Sequential everyLayer() {
        return new Sequential(5)
                .add(new Conv2D(4, 3, 3, 1, "same", 1, "linear")).add(new BatchNormalization()).add(new Activation("relu"))
                .add(new MaxPooling2D(2, 2, "valid", true)).add(new GlobalAveragePooling2D())
                .add(new Reshape(2, 2)).add(new LayerNormalization()).add(new Flatten()).add(new Dropout(0.5))
                .add(new Dense(3, "softmax"))
                .build(6, 6, 2);
    }

    @Test
    void shapesParameterCountsAndTrainingStateOfEveryLayer() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = everyLayer();
            String summary = m.summary();
            assertTrue(summary.contains("(None, 6, 6, 4)") && summary.contains("(None, 3, 3, 4)") && summary.contains("(None, 2, 2)"), summary);
            assertEquals(3 * 3 * 2 * 4 + 4 + 8 + 4 + 4 * 3 + 3, m.paramCount());  // conv, BN γβ, LN γβ over 2, dense
            assertTrue(summary.contains("Non-trainable params: 8"), summary);
            Tensor x = Tensor.rand(new Rng(1), DType.F32, 8, 6, 6, 2);
            BatchNormalization bn = (BatchNormalization) m.layers().get(1);
            m.forward(Var.of(x), false);
            assertEquals(0, bn.buffers().get(0).abs().sum().item(), "inference leaves the running mean alone");
            m.forward(Var.of(x), true);
            assertTrue(bn.buffers().get(0).abs().sum().item() > 0, "training updates the running mean");
            assertArrayEquals(new long[] {8, 3}, m.forward(Var.of(x), false).shape());
        }
    }

    @Test
    void embeddingLooksUpRowsAndRejectsUnknownIds() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(2).add(new Embedding(5, 3)).add(new Flatten()).add(new Dense(2, "softmax")).build(4);
            Tensor ids = Tensor.of(new float[] {0, 4, 2, 2, 1, 1, 3, 0}, 2, 4);
            assertArrayEquals(new long[] {2, 2}, m.forward(Var.of(ids), false).shape());
            Var unknown = Var.of(Tensor.of(new float[] {5, 0, 0, 0}, 1, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(unknown, false));
            assertTrue(e.getMessage().contains("[0, 5)"), e.getMessage());
        }
    }

    /** Dense over the last axis, as Keras: (2, 4, 5) → (2, 4, 3), each row the same product as a flat Dense. */
    @Test
    void denseAppliesOverTheLastAxis() {
        try (MemoryScope s = MemoryScope.open("dense")) {
            Dense d = new Dense(3, "linear");
            Tensor x = Tensor.uniform(new Rng(3), -1, 1, DType.F32, 2, 4, 5);
            Var y = d.apply(Var.of(x), false, new Rng(1));
            assertArrayEquals(new long[] {2, 4, 3}, y.shape());
            float[] w = d.params().get(0).value().toFloatArray(), b = d.params().get(1).value().toFloatArray(), xs = x.toFloatArray();
            float[] got = y.value().toFloatArray();
            for (int r = 0; r < 8; r++) {
                for (int u = 0; u < 3; u++) {
                    double want = b[u];
                    for (int i = 0; i < 5; i++) want += xs[r * 5 + i] * w[i * 3 + u];
                    assertEquals(want, got[r * 3 + u], 1e-5, "row " + r + ", unit " + u);
                }
            }
        }
    }
}
