package dev.panamax.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The polynomial exponential against {@code Math.exp}: 2 ulp over its range, its clamps, NaN, and exact at 0. */
class VectorExpTest {
    static float[] exp(float... x) {
        var s = FloatVector.SPECIES_PREFERRED;
        float[] out = new float[x.length], lane = new float[s.length()];
        for (int i = 0; i < x.length; i++) {
            java.util.Arrays.fill(lane, x[i]);
            VectorExp.exp(FloatVector.fromArray(s, lane, 0)).intoArray(lane, 0);
            out[i] = lane[0];
        }
        return out;
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
