package dev.panamax.kernels.rnn;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * What the recurrent cells share: element reads and the gate nonlinearities. In F32 the nonlinearities are built
 * from one {@code exp} made of IEEE basic operations (Cephes' {@code expf}, as {@code kernels.VectorMath}: within 2
 * ulp of {@code Math.exp} on {@code [-87.3, 88.3]}, clamped outside), with a vector form and a scalar form that round
 * every step alike. So a lane and its scalar tail give the same bits, and so does a kernel before and after C2
 * compiles it: {@code VectorOperators.EXP}/{@code TANH} and {@code Math.exp}/{@code tanh} do not (their intrinsics
 * round differently from their fallbacks), which made the first model trained in a JVM differ between runs.
 * {@code sigmoid(a) = 1/(1 + e^-a)}, {@code tanh(a) = 1 - 2/(1 + e^2a)} (absolute error below 1e-7 near 0).
 * F64 uses {@code Math.exp} and {@code Math.tanh}.
 */
final class Cells {
    private Cells() {}

    static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, which lands in the low mantissa bits. */
    static final float ROUND = 12582912f;
    static final float LO = -87.33654f, HI = 88.37626f;
    static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    static float f(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    static double d(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_DOUBLE_UNALIGNED, i);
    }

    static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    /** The scalar twin of the exp in {@code Activate}'s vector loops, step for step. */
    static float exp(float a) {
        float x = Math.min(Math.max(a, LO), HI);
        float t = Math.fma(x, LOG2E, ROUND);
        float k = t - ROUND;
        float r = x - k * LN2_HI - k * LN2_LO;
        float p = ((((r * P0 + P1) * r + P2) * r + P3) * r + P4) * r + P5;
        float y = Math.fma(p, r * r, r) + 1f;
        return y * Float.intBitsToFloat((Float.floatToRawIntBits(t) << 23) + 0x3F800000);
    }

    /** {@code 1 - a²} as the vector form rounds it (one fused step). */
    static float oneMinusSquare(float a) {
        return Math.fma(-a, a, 1f);
    }

    /** {@code a·(1 - a)}, the slope of σ from its value, as the vector form rounds it. */
    static float slope(float a) {
        return Math.fma(a, -a, a);
    }

    static float sigmoid(float a) {
        return 1f / (1f + exp(-a));
    }

    static float tanh(float a) {
        return 1f - 2f / (1f + exp(2f * a));
    }
}
