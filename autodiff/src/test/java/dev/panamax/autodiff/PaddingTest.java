package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.panamax.kernels.spec.Conv2dShape;
import org.junit.jupiter.api.Test;

class PaddingTest {
    @Test
    void kerasNamesInAnyCaseAndNothingElse() {
        assertEquals(Padding.SAME, Padding.of("Same"));
        assertEquals(Padding.VALID, Padding.of("valid"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Padding.of("causal"));
        assertEquals("padding must be 'valid' or 'same', got 'causal'", e.getMessage());
    }

    /** Each mode maps to the kernels' mode of the same meaning, and every kernel mode is reached. */
    @Test
    void mapsOntoTheKernelsPaddingConstantForConstant() {
        assertEquals(Conv2dShape.Padding.VALID, Padding.VALID.geometry());
        assertEquals(Conv2dShape.Padding.SAME, Padding.SAME.geometry());
        assertEquals(Conv2dShape.Padding.values().length, Padding.values().length);
    }
}
