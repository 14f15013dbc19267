package dev.panamax.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * The sum of a vector's lanes in lane order. {@code reduceLanes(ADD)} leaves the order open, and the compiled
 * intrinsic and the Java fallback that runs before compilation add in different orders, so the same training
 * run gave different last digits depending on when the JIT compiler finished. One fixed order in every tier.
 */
public final class LaneSum {
    private static final ThreadLocal<float[]> F = ThreadLocal.withInitial(() -> new float[FloatVector.SPECIES_MAX.length()]);
    private static final ThreadLocal<double[]> D = ThreadLocal.withInitial(() -> new double[DoubleVector.SPECIES_MAX.length()]);

    private LaneSum() {}

    /**
     * This thread's scratch for {@link #sum}: a caller that must not pass its vector to a method (a vector crossing
     * a call C2 does not inline is boxed) stores it here itself.
     */
    public static float[] scratch() {
        return F.get();
    }

    /** The first {@code lanes} values of {@code t}, added in lane order, as {@link #of(FloatVector)} adds them. */
    public static float sum(float[] t, int lanes) {
        float s = 0f;
        for (int i = 0; i < lanes; i++) s += t[i];
        return s;
    }

    public static float of(FloatVector v) {
        float[] t = F.get();
        v.intoArray(t, 0);
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += t[i];
        return s;
    }

    public static double of(DoubleVector v) {
        double[] t = D.get();
        v.intoArray(t, 0);
        double s = 0;
        for (int i = 0; i < v.length(); i++) s += t[i];
        return s;
    }
}
