package dev.panamax.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The polynomial exponential, tanh and log against {@code Math}'s: within a few ulp over their ranges, their clamps,
 * infinities, NaN, signed zero and subnormals.
 */
class VectorMathTest {
    /** Through {@link VectorMath#expShifted} with no shift, in an array with room for the last vector. */
    static float[] exp(float... x) {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] a = java.util.Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        VectorMath.expShifted(a, 0, x.length, 0f);
        return java.util.Arrays.copyOf(a, x.length);
    }

    @Test
    void returnsTheSumOfTheFirstNAndShifts() {
        assumeTrue(Simd.ENABLED);
        float[] a = new float[64];
        for (int i = 0; i < 37; i++) a[i] = i * 0.1f;
        float sum = VectorMath.expShifted(a, 0, 37, 2f), want = 0;
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

    /** Applies {@code f} to whole vectors of {@code x}, the tail padded with ones. */
    private static float[] lanewise(java.util.function.UnaryOperator<FloatVector> f, float... x) {
        var s = FloatVector.SPECIES_PREFERRED;
        float[] a = java.util.Arrays.copyOf(x, (x.length + s.length() - 1) / s.length() * s.length());
        java.util.Arrays.fill(a, x.length, a.length, 1f);
        for (int i = 0; i < a.length; i += s.length()) f.apply(FloatVector.fromArray(s, a, i)).intoArray(a, i);
        return java.util.Arrays.copyOf(a, x.length);
    }

    @Test
    void tanhWithinThreeUlpOfMathTanh() {
        assumeTrue(Simd.ENABLED);
        int n = 200_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -12f + i * 24f / (n - 1);
        float[] got = lanewise(VectorMath::tanh, x);
        for (int i = 0; i < n; i++) {
            float want = (float) Math.tanh(x[i]);
            assertTrue(Math.abs(got[i] - want) <= 3 * Math.ulp(want), "tanh(" + x[i] + ") = " + got[i] + ", want " + want);
        }
        float[] edge = lanewise(VectorMath::tanh, 1e-30f, -1e-30f, -0f, 0.625f, -0.6249f, 100f, Float.NEGATIVE_INFINITY, Float.NaN);
        assertEquals(1e-30f, edge[0]);
        assertEquals(-1e-30f, edge[1]);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(edge[2]));
        assertEquals((float) Math.tanh(0.625f), edge[3], 3 * Math.ulp(edge[3]));
        assertEquals((float) Math.tanh(-0.6249f), edge[4], 3 * Math.ulp(edge[4]));
        assertEquals(1f, edge[5]);
        assertEquals(-1f, edge[6]);
        assertTrue(Float.isNaN(edge[7]));
    }

    @Test
    void logWithinTwoUlpOfMathLogFromSubnormalsToTheLargestFloat() {
        assumeTrue(Simd.ENABLED);
        int n = 200_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.pow(2, -149 + i * 276.99 / (n - 1));
        float[] got = lanewise(VectorMath::log, x);
        for (int i = 0; i < n; i++) {
            float want = (float) Math.log(x[i]);
            assertTrue(Math.abs(got[i] - want) <= 2 * Math.ulp(want), "log(" + x[i] + ") = " + got[i] + ", want " + want);
        }
        float[] edge = lanewise(VectorMath::log, 1f, 0f, -0f, -1f, Float.POSITIVE_INFINITY, Float.NaN, Float.MIN_VALUE);
        assertEquals(0f, edge[0]);
        assertEquals(Float.NEGATIVE_INFINITY, edge[1]);
        assertEquals(Float.NEGATIVE_INFINITY, edge[2]);
        assertTrue(Float.isNaN(edge[3]));
        assertEquals(Float.POSITIVE_INFINITY, edge[4]);
        assertTrue(Float.isNaN(edge[5]));
        assertEquals((float) Math.log(Float.MIN_VALUE), edge[6], 2 * Math.ulp(edge[6]));
    }
}
