package dev.panamax.kernels.rnn;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** What the recurrent cells share: element reads and the gate nonlinearities, scalar and vector. */
final class Cells {
    private Cells() {}

    static float f(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    static double d(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_DOUBLE_UNALIGNED, i);
    }

    static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    static float sigmoid(float a) {
        return 1f / (1f + (float) Math.exp(-a));
    }

    /** Vector forms; loaded only on the Vector API path. */
    static final class Vec {
        private Vec() {}

        static FloatVector sigmoid(FloatVector a) {
            return FloatVector.broadcast(a.species(), 1f).div(a.neg().lanewise(VectorOperators.EXP).add(1f));
        }

        /** {@code 1 - a²}: the slope of tanh from its value. */
        static FloatVector oneMinusSquare(FloatVector a) {
            return a.neg().fma(a, FloatVector.broadcast(a.species(), 1f));
        }
    }
}
