package dev.panamax.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code exp}, {@code tanh} and {@code log} on float vectors from IEEE basic operations only, so that their bits do
 * not depend on the JIT. {@code exp} is Cephes' {@code expf}: {@code x = n·ln 2 + r} with
 * {@code n = round(x·log₂e)}, {@code |r| ≤ ln 2 / 2}, a degree-6 polynomial for {@code eʳ} and {@code 2ⁿ} built in
 * the exponent bits. Within 2 ulp of {@code Math.exp} for {@code x} in {@code [-87.3, 88.3]}; below that it returns
 * about {@code 1.2·10⁻³⁸} (the smallest normal float) instead of a subnormal or 0, above it about {@code 2.4·10³⁸};
 * NaN gives NaN.
 *
 * <p>Why not {@code VectorOperators.EXP}, {@code TANH}, {@code LOG}: the compiled intrinsics (SVML) and the Java
 * fallback that runs until C2 compiles a kernel round differently, so a kernel's result depended on when the compiler
 * got to it (the fused attention's repeated calls differed in the last bit, and two runs of {@code train gpt} with one
 * seed ended with different weights). Every operation here (add, multiply, fused multiply-add, divide, compare, bit
 * moves) rounds the same in both. The scalar twins are {@code Math.exp}, {@code Math.tanh}, {@code Math.log}, which
 * the interpreter and both compilers evaluate with the same routines. Load only when {@link Simd#ENABLED}.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, which lands in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    /** HI·log₂e rounds to 127, so 2ⁿ stays finite. */
    private static final float LO = -87.33654f, HI = 88.37626f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /** Cephes' {@code tanhf}: below {@link #TANH_SMALL} an odd polynomial, above it {@code 1 − 2/(e^{2|x|} + 1)}. */
    private static final float TANH_SMALL = 0.625f, T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;
    /** Cephes' {@code logf}: a degree-8 polynomial for {@code log(1 + f)} on {@code [√½ − 1, √2 − 1]}. */
    private static final float L0 = 7.0376836292e-2f, L1 = -1.1514610310e-1f, L2 = 1.1676998740e-1f, L3 = -1.2420140846e-1f,
            L4 = 1.4249322787e-1f, L5 = -1.6668057665e-1f, L6 = 2.0000714765e-1f, L7 = -2.4999993993e-1f, L8 = 3.3333331174e-1f;
    private static final float SQRT_HALF = 0.707106781186547524f, MIN_NORMAL = Float.MIN_NORMAL, TWO_25 = 33554432f;

    private VectorMath() {}

    /** {@code e^x}, lanewise: within 2 ulp of {@code Math.exp} on {@code [-87.3, 88.3]}, clamped outside it (see above). */
    public static FloatVector exp(FloatVector v) {
        FloatVector x = v.max(LO).min(HI);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector k = t.sub(ROUND);
        FloatVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5);
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        IntVector bits = (IntVector) t.reinterpretShape(I, 0);
        return y.mul((FloatVector) bits.lanewise(VectorOperators.LSHL, 23).add(0x3F800000).reinterpretShape(S, 0));
    }

    /** {@code tanh x}, lanewise: within 3 ulp of {@code Math.tanh}; odd, ±1 beyond ±9, NaN for NaN. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector big = exp(ax.add(ax)).add(1f);
        big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(big));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        FloatVector z = x.mul(x);
        FloatVector small = z.mul(T0).add(T1).mul(z).add(T2).mul(z).add(T3).mul(z).add(T4).mul(z).fma(x, x);
        small = small.blend(x, x.compare(VectorOperators.EQ, 0f));  // keeps −0, which x·p + x rounds to +0
        return small.blend(big, ax.compare(VectorOperators.GE, TANH_SMALL));
    }

    /** {@code ln x}, lanewise: within 2 ulp of {@code Math.log} for positive finite x (subnormals too); −∞ at 0, NaN below. */
    public static FloatVector log(FloatVector v) {
        var tiny = v.compare(VectorOperators.LT, MIN_NORMAL);
        FloatVector x = v.blend(v.mul(TWO_25), tiny);
        IntVector bits = (IntVector) x.reinterpretShape(I, 0);
        FloatVector e = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(126).convert(VectorOperators.I2F, 0);
        e = e.blend(e.sub(25f), tiny);
        FloatVector m = (FloatVector) bits.and(0x807FFFFF).or(0x3F000000).reinterpretShape(S, 0);  // in [0.5, 1)
        var low = m.compare(VectorOperators.LT, SQRT_HALF);
        e = e.blend(e.sub(1f), low);
        FloatVector f = m.blend(m.add(m), low).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector y = f.mul(L0).add(L1).mul(f).add(L2).mul(f).add(L3).mul(f).add(L4).mul(f).add(L5).mul(f).add(L6).mul(f).add(L7)
                .mul(f).add(L8).mul(f).mul(z);
        y = e.mul(LN2_LO).add(y).sub(z.mul(0.5f));
        FloatVector r = f.add(y).add(e.mul(LN2_HI));
        r = r.blend(Float.NEGATIVE_INFINITY, v.compare(VectorOperators.EQ, 0f));
        r = r.blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return r.blend(Float.NaN, v.compare(VectorOperators.LT, 0f).or(v.test(VectorOperators.IS_NAN)));
    }

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
