package dev.panamax.kernels.activation;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.panamax.kernels.spec.Erf;
import dev.panamax.kernels.Parallel;
import dev.panamax.kernels.Simd;
import dev.panamax.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU and its derivative, in two forms:
 * <pre>
 * exact: y = x·Φ(x),  Φ(x) = (1 + erf(x/√2))/2          dy/dx = Φ(x) + x·φ(x),  φ(x) = exp(-x²/2)/√(2π)
 * tanh:  y = x·(1 + tanh(u))/2,  u = √(2/π)·(x + 0.044715·x³)
 *        dy/dx = (1 + tanh(u))/2 + x·(1 - tanh²(u))/2 · √(2/π)·(1 + 3·0.044715·x²)
 * </pre>
 * Forward writes {@code y = gelu(x)}; backward writes {@code dx = g·gelu'(x)}. Contiguous runs of {@code n}
 * elements, offsets in elements; outputs may alias their inputs. F32 ({@code width} 4) runs the Vector API on
 * native segments, with erf from Abramowitz &amp; Stegun 7.1.26 (absolute error below 1.5e-7, under F32's own
 * rounding of Φ); the scalar F32 loop (views, tails) uses the same formula. F64 ({@code width} 8) is the scalar twin
 * and test oracle, with erf to about 1e-15. NaN stays NaN.
 */
public final class Gelu {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI), INV_SQRT_2 = 1 / Math.sqrt(2),
            INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI), C = 0.044715;
    /** Elements per task below which splitting costs more than it saves. */
    private static final long GRAIN = 1 << 15;

    private Gelu() {}

    public static void forward(int width, boolean tanh, MemorySegment y, long yo, MemorySegment x, long xo, long n) {
        boolean vector = width == 4 && Simd.ENABLED && y.isNative() && x.isNative();
        split(n, (from, to) -> {
            if (width == 8) for (long i = from; i < to; i++) y.setAtIndex(JAVA_DOUBLE_UNALIGNED, yo + i, valueF64(tanh, d(x, xo + i)));
            else if (vector) Vector.forward(tanh, y, yo, x, xo, from, to);
            else forwardF32(tanh, y, yo, x, xo, from, to);
        });
    }

    public static void backward(int width, boolean tanh, MemorySegment dx, long dxo, MemorySegment g, long go, MemorySegment x,
                                long xo, long n) {
        boolean vector = width == 4 && Simd.ENABLED && dx.isNative() && g.isNative() && x.isNative();
        split(n, (from, to) -> {
            if (width == 8) {
                for (long i = from; i < to; i++) {
                    dx.setAtIndex(JAVA_DOUBLE_UNALIGNED, dxo + i, d(g, go + i) * slopeF64(tanh, d(x, xo + i)));
                }
            } else if (vector) Vector.backward(tanh, dx, dxo, g, go, x, xo, from, to);
            else backwardF32(tanh, dx, dxo, g, go, x, xo, from, to);
        });
    }

    @FunctionalInterface
    private interface Range {
        void run(long from, long to);
    }

    private static void split(long n, Range body) {
        if (n < 2 * GRAIN || Parallel.THREADS == 1) body.run(0, n);  // no task objects for small work
        else Parallel.forRange(n, GRAIN, body::run);
    }

    private static double d(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_DOUBLE_UNALIGNED, i);
    }

    private static float f(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    // ------------------------------------------------------------------ scalar twins

    static double valueF64(boolean tanh, double x) {
        if (tanh) return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + C * x * x * x)));
        return x * 0.5 * (1 + Erf.erf(x * INV_SQRT_2));
    }

    static double slopeF64(boolean tanh, double x) {
        if (tanh) {
            double t = Math.tanh(SQRT_2_OVER_PI * (x + C * x * x * x));
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * C * x * x);
        }
        return 0.5 * (1 + Erf.erf(x * INV_SQRT_2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
    }

    // A&S 7.1.26: erf(z) = 1 - (a1·t + a2·t² + a3·t³ + a4·t⁴ + a5·t⁵)·exp(-z²), t = 1/(1 + p·z), z ≥ 0.
    private static final float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f,
            A5 = 1.061405429f;

    private static float erfF32(float z) {
        float a = Math.abs(z), t = 1 / (1 + P * a);
        float poly = t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
        float e = 1 - poly * (float) Math.exp(-a * a);
        return z < 0 ? -e : e;
    }

    static float valueF32(boolean tanh, float x) {
        if (tanh) return 0.5f * x * (1 + (float) Math.tanh(SQRT_2_OVER_PI * (x + C * x * x * x)));
        return x * 0.5f * (1 + erfF32(x * (float) INV_SQRT_2));
    }

    static float slopeF32(boolean tanh, float x) {
        if (tanh) {
            float t = (float) Math.tanh(SQRT_2_OVER_PI * (x + C * x * x * x));
            return 0.5f * (1 + t) + 0.5f * x * (1 - t * t) * (float) SQRT_2_OVER_PI * (1 + 3 * (float) C * x * x);
        }
        return 0.5f * (1 + erfF32(x * (float) INV_SQRT_2)) + x * (float) Math.exp(-0.5f * x * x) * (float) INV_SQRT_2PI;
    }

    private static void forwardF32(boolean tanh, MemorySegment y, long yo, MemorySegment x, long xo, long from, long to) {
        for (long i = from; i < to; i++) y.setAtIndex(JAVA_FLOAT_UNALIGNED, yo + i, valueF32(tanh, f(x, xo + i)));
    }

    private static void backwardF32(boolean tanh, MemorySegment dx, long dxo, MemorySegment g, long go, MemorySegment x, long xo,
                                    long from, long to) {
        for (long i = from; i < to; i++) dx.setAtIndex(JAVA_FLOAT_UNALIGNED, dxo + i, f(g, go + i) * slopeF32(tanh, f(x, xo + i)));
    }

    /** The Vector API path; loaded only when {@link Simd#ENABLED}. One small method per formula (C2's inlining budget). */
    static final class Vector {
        static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        static final int L = S.length();
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        private static FloatVector load(MemorySegment s, long i) {
            return FloatVector.fromMemorySegment(S, s, i << 2, ORDER);
        }

        static void forward(boolean tanh, MemorySegment y, long yo, MemorySegment x, long xo, long from, long to) {
            long i = from;
            for (; i + L <= to; i += L) {
                FloatVector v = load(x, xo + i);
                (tanh ? valueTanh(v) : valueExact(v)).intoMemorySegment(y, (yo + i) << 2, ORDER);
            }
            forwardF32(tanh, y, yo, x, xo, i, to);
        }

        static void backward(boolean tanh, MemorySegment dx, long dxo, MemorySegment g, long go, MemorySegment x, long xo,
                             long from, long to) {
            long i = from;
            for (; i + L <= to; i += L) {
                FloatVector v = load(x, xo + i);
                FloatVector s = tanh ? slopeTanh(v) : slopeExact(v);
                load(g, go + i).mul(s).intoMemorySegment(dx, (dxo + i) << 2, ORDER);
            }
            backwardF32(tanh, dx, dxo, g, go, x, xo, i, to);
        }

        /** {@code exp(-x²/2)}: A&amp;S erf's {@code exp(-z²)} at {@code z = x/√2}, and φ(x) up to its constant. */
        private static FloatVector gauss(FloatVector x) {
            return VectorMath.exp(x.mul(x).mul(-0.5f));
        }

        /** Φ(x) with A&amp;S erf, given {@code gauss = exp(-x²/2)}. */
        private static FloatVector phi(FloatVector x, FloatVector gauss) {
            FloatVector a = x.abs().mul((float) INV_SQRT_2);
            FloatVector t = FloatVector.broadcast(S, 1f).div(a.mul(P).add(1f));
            FloatVector poly = t.mul(A5).add(A4).mul(t).add(A3).mul(t).add(A2).mul(t).add(A1).mul(t);
            FloatVector e = poly.mul(gauss).neg().add(1f);
            FloatVector erf = e.blend(e.neg(), x.compare(VectorOperators.LT, 0f));
            return erf.add(1f).mul(0.5f);
        }

        /** gelu(x), either form: for the fused bias kernel ({@link BiasGelu}). */
        static FloatVector value(boolean tanh, FloatVector x) {
            return tanh ? valueTanh(x) : valueExact(x);
        }

        /** gelu'(x), either form. */
        static FloatVector slope(boolean tanh, FloatVector x) {
            return tanh ? slopeTanh(x) : slopeExact(x);
        }

        private static FloatVector valueExact(FloatVector x) {
            return x.mul(phi(x, gauss(x)));
        }

        /** Φ(x) + x·φ(x) with one exponential for both. */
        private static FloatVector slopeExact(FloatVector x) {
            FloatVector g = gauss(x);
            return phi(x, g).add(x.mul(g.mul((float) INV_SQRT_2PI)));
        }

        private static FloatVector tanhOfU(FloatVector x) {
            return VectorMath.tanh(x.mul(x).mul((float) C).add(1f).mul(x).mul((float) SQRT_2_OVER_PI));
        }

        private static FloatVector valueTanh(FloatVector x) {
            return tanhOfU(x).add(1f).mul(x).mul(0.5f);
        }

        private static FloatVector slopeTanh(FloatVector x) {
            FloatVector t = tanhOfU(x);
            FloatVector du = x.mul(x).mul(3 * (float) C).add(1f).mul((float) SQRT_2_OVER_PI);
            return t.add(1f).mul(0.5f).add(x.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(du));
        }
    }
}
