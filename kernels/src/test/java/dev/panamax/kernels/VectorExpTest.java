package dev.panamax.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The polynomial exponential against {@code Math.exp}: 2 ulp over its range, its clamps, NaN, and exact at 0. */
class VectorExpTest {
    /** Through {@link VectorExp#expShifted} with no shift, in an array with room for the last vector. */
    static float[] exp(float... x) {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] a = java.util.Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        VectorExp.expShifted(a, 0, x.length, 0f);
        return java.util.Arrays.copyOf(a, x.length);
    }

    @Test
    void returnsTheSumOfTheFirstNAndShifts() {
        assumeTrue(Simd.ENABLED);
        float[] a = new float[64];
        for (int i = 0; i < 37; i++) a[i] = i * 0.1f;
        float sum = VectorExp.expShifted(a, 0, 37, 2f), want = 0;
        for (int i = 0; i < 37; i++) {
            float e = (float) Math.exp(i * 0.1f - 2f);
            assertEquals(e, a[i], 2 * Math.ulp(e));
            want += e;
        }
        assertEquals(want, sum, 1e-5f);
    }

    @Test
    void withinTwoUlpOfMathExpOverTheRange() {
        assumeTrue(Simd.ENABLED);
        int n = 200_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -87.3f + i * (88.3f + 87.3f) / (n - 1);
        float[] got = exp(x);
        for (int i = 0; i < n; i++) {
            float want = (float) Math.exp(x[i]);
            assertTrue(Math.abs(got[i] - want) <= 2 * Math.ulp(want), "exp(" + x[i] + ") = " + got[i] + ", want " + want);
        }
    }

    @Test
    void clampsNaNAndZero() {
        assumeTrue(Simd.ENABLED);
        float[] got = exp(0f, -1000f, Float.NEGATIVE_INFINITY, 1000f, Float.NaN);
        assertEquals(1f, got[0]);
        assertTrue(got[1] > 0 && got[1] <= 1.2e-38f && got[2] == got[1], "below the range: " + got[1] + ", " + got[2]);
        assertTrue(got[3] > 2e38f && Float.isFinite(got[3]), "above the range: " + got[3]);
        assertTrue(Float.isNaN(got[4]));
    }
}
