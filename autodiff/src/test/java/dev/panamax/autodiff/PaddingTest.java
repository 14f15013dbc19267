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

    /** F maps its padding to the kernels' by name: the two enums must keep the same constants. */
    @Test
    void matchesTheKernelsPaddingConstantForConstant() {
        for (Padding p : Padding.values()) assertEquals(p.name(), Conv2dShape.Padding.valueOf(p.name()).name());
        assertEquals(Conv2dShape.Padding.values().length, Padding.values().length);
    }
}
