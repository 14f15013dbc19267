package dev.panamax.onnx.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backend runner's comparison (numpy's assert_allclose with rtol 1e-3, atol 1e-7) and the known-deviations format. */
class ComparisonTest {
    @Test
    void floatsWithinToleranceAndNanEqualToNan() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor want = Tensor.of(new float[] {1000f, 0f, Float.NaN, Float.POSITIVE_INFINITY}, 4);
            assertNull(Comparison.mismatch("y", want, Tensor.of(new float[] {1000.9f, 0f, Float.NaN, Float.POSITIVE_INFINITY}, 4)));
            String m = Comparison.mismatch("y", want, Tensor.of(new float[] {1001.5f, 1e-6f, Float.NaN, Float.POSITIVE_INFINITY}, 4));
            assertTrue(m.startsWith("y[0] = 1001.500") && m.contains("expected 1000.000") && m.contains("(2 of 4 elements differ)"), m);
            assertTrue(Comparison.mismatch("y", want, Tensor.of(new float[] {1000f, 0f, 1f, Float.POSITIVE_INFINITY}, 4)).startsWith("y[2] = 1.000"));
            assertTrue(Comparison.mismatch("y", want, Tensor.of(new float[] {1000f, 0f, Float.NaN, Float.NEGATIVE_INFINITY}, 4)).startsWith("y[3]"));
        }
    }

    @Test
    void integersExactlyAndTypesAndShapesFirst() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor want = Tensor.of(new long[] {1, 2, 3, 4}, 2, 2);
            assertNull(Comparison.mismatch("i", want, Tensor.of(new long[] {1, 2, 3, 4}, 2, 2)));
            assertEquals("i[1, 0] = 4, expected 3 (1 of 4 elements differ)", Comparison.mismatch("i", want, Tensor.of(new long[] {1, 2, 4, 4}, 2, 2)));
            assertEquals("i: shape [4], expected [2, 2]", Comparison.mismatch("i", want, Tensor.of(new long[] {1, 2, 3, 4}, 4)));
            assertEquals("i: element type I32, expected I64", Comparison.mismatch("i", want, Tensor.of(new int[] {1, 2, 3, 4}, 2, 2)));
        }
    }

    @Test
    void knownDeviationsNeedAReason() {
        assertEquals(Map.of("test_a", "why it differs"), KnownDeviations.parse("# comment\n\ntest_a   why it differs\n"));
        assertThrows(IllegalArgumentException.class, () -> KnownDeviations.parse("test_b\n"));
    }
}
