package dev.panamax.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

class FormatTest {
    @Test
    void printsLikeNumPy() {
        try (MemoryScope s = MemoryScope.open("t")) {
            assertEquals("tensor([[1., 2.],\n        [3., 4.]], shape=[2, 2], dtype=F32)",
                    Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
            assertEquals("tensor([ 0.5000,  1.2500, -2.0000], shape=[3], dtype=F64)",
                    Tensor.of(new double[] {0.5, 1.25, -2}, 3).toString());
            assertEquals("tensor([  7, -12], shape=[2], dtype=I64)", Tensor.of(new long[] {7, -12}, 2).toString());
            assertEquals("tensor(3., shape=[], dtype=F32)", Tensor.scalar(3, DType.F32).toString());
            assertEquals("tensor([1.0000e+09, 1.0000e-03], shape=[2], dtype=F32)",
                    Tensor.of(new float[] {1e9f, 1e-3f}, 2).toString());
            assertEquals("tensor([nan, inf,  1.], shape=[3], dtype=F32)",
                    Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1}, 3).toString());
            assertEquals("tensor([], shape=[0, 3], dtype=F32)", Tensor.zeros(DType.F32, 0, 3).toString());
            assertEquals("tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]], shape=[2, 2, 2], dtype=I32)",
                    Tensor.arange(8, DType.I32).reshape(2, 2, 2).toString());
        }
    }

    @Test
    void summarisesLargeTensors() {
        try (MemoryScope s = MemoryScope.open("t")) {
            String text = Tensor.arange(2000, DType.I32).reshape(2, 1000).toString();
            assertTrue(text.contains("[   0,    1,    2, ..., 997,  998,  999]") || text.contains("..."), text);
            assertTrue(text.contains("1999"), text);
            assertFalse(text.contains(" 500,"), text);
            assertTrue(text.length() < 200, text);
        }
    }
}
