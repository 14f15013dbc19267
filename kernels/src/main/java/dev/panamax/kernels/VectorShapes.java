package dev.panamax.kernels;

import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The species every vector kernel uses, decided once. Loaded only when {@link Simd#ENABLED}. */
final class VectorShapes {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final int FL = F.length();
    static final int DL = D.length();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorShapes() {}

    static int floatLanes() {
        return FL;
    }

    static String describe() {
        return F.vectorBitSize() + "-bit (" + FL + " x f32, " + DL + " x f64)";
    }
}
