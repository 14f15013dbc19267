package dev.panamax.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code exp} on a float vector from IEEE basic operations only (Cephes' {@code expf}): {@code x = n·ln 2 + r} with
 * {@code n = round(x·log₂e)}, {@code |r| ≤ ln 2 / 2}, a degree-6 polynomial for {@code eʳ} and {@code 2ⁿ} built in
 * the exponent bits. Within 2 ulp of {@code Math.exp} for {@code x} in {@code [-87.3, 88.3]}; below that it returns
 * about {@code 1.2·10⁻³⁸} (the smallest normal float) instead of a subnormal or 0, above it about {@code 2.4·10³⁸};
 * NaN gives NaN.
 *
 * <p>Why not {@code VectorOperators.EXP}: the compiled intrinsic (SVML) and the Java fallback that runs until C2
 * compiles a kernel round differently, so a kernel's result depended on when the compiler got to it (the fused
 * attention's repeated calls differed in the last bit). Every operation here rounds the same in both, so the bits do
 * not depend on the JIT. Its scalar twin is {@code Math.exp}. Load only when {@link Simd#ENABLED}.
 */
public final class VectorExp {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, which lands in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    /** HI·log₂e rounds to 127, so 2ⁿ stays finite. */
    private static final float LO = -87.33654f, HI = 88.37626f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    private VectorExp() {}

    /**
     * {@code a[at + j] = e^(a[at + j] − shift)} in place for {@code j < n}, and for the lanes after {@code n} up to the
     * next whole vector (the caller leaves room; they stay out of the sum); returns the sum of the first {@code n}.
     * The loop and the polynomial are one method on purpose: a vector passed to or returned from a method C2 does not
     * inline is boxed, and whether it inlines a helper depends on whether the helper was compiled on its own first
     * (it was, in a JVM that ran only the attention kernel: 6.5 KB allocated a call).
     */
    public static float expShifted(float[] a, int at, int n, float shift) {
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < n; j += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, at + j).sub(shift).max(LO).min(HI);
            FloatVector t = x.fma(LOG2E, ROUND);  // round(x·log₂e) + ROUND: n sits in the low bits of t
            FloatVector k = t.sub(ROUND);
            FloatVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));  // k·LN2_HI is exact: LN2_HI has 9 significant bits
            FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5);
            FloatVector y = p.fma(r.mul(r), r).add(1f);
            // 2ᵏ: k + 127 in the exponent field. t's bits are ROUND's plus k, and ROUND's bits shifted left by 23 vanish.
            IntVector bits = (IntVector) t.reinterpretShape(I, 0);
            FloatVector e = y.mul((FloatVector) bits.lanewise(VectorOperators.LSHL, 23).add(0x3F800000).reinterpretShape(S, 0));
            e.intoArray(a, at + j);
            sum = sum.add(e, S.indexInRange(j, n));
        }
        float[] lanes = LaneSum.scratch();
        sum.intoArray(lanes, 0);
        return LaneSum.sum(lanes, S.length());
    }
}
