package dev.panamax.kernels.rnn;

import static dev.panamax.kernels.rnn.Cells.f;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 gate nonlinearities over a contiguous run, {@code σ} in place and {@code tanh} from one run into another
 * (which may be the same): the Vector API body, then the scalar twins of {@link Cells} for the tail (or for all of
 * it when {@code vector} is false), bit for bit alike. Each vector loop holds its exp polynomial in the same method:
 * a vector handed to a helper that C2 does not inline is boxed (the cells allocated ~5 KB a call that way).
 */
final class Activate {
    private Activate() {}

    static void sigmoid(MemorySegment s, long off, int n, boolean vector) {
        int from = vector ? Vector.sigmoid(s, off, n) : 0;
        for (int j = from; j < n; j++) s.setAtIndex(JAVA_FLOAT_UNALIGNED, off + j, Cells.sigmoid(f(s, off + j)));
    }

    static void tanh(MemorySegment dst, long dOff, MemorySegment src, long sOff, int n, boolean vector) {
        int from = vector ? Vector.tanh(dst, dOff, src, sOff, n) : 0;
        for (int j = from; j < n; j++) dst.setAtIndex(JAVA_FLOAT_UNALIGNED, dOff + j, Cells.tanh(f(src, sOff + j)));
    }

    /** Loaded only on the Vector API path. The constants and steps are those of {@link Cells#exp}. */
    private static final class Vector {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Integer> I = S.withLanes(int.class);
        private static final int L = S.length();
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        /** {@code s[off + j] = 1/(1 + e^-s[off + j])} for the whole vectors of {@code n}; returns where the tail starts. */
        static int sigmoid(MemorySegment s, long off, int n) {
            int body = S.loopBound(n);
            for (int j = 0; j < body; j += L) {
                FloatVector x = FloatVector.fromMemorySegment(S, s, (off + j) << 2, ORDER).neg().max(Cells.LO).min(Cells.HI);
                FloatVector t = x.fma(Cells.LOG2E, Cells.ROUND), k = t.sub(Cells.ROUND);
                FloatVector r = x.sub(k.mul(Cells.LN2_HI)).sub(k.mul(Cells.LN2_LO));
                FloatVector p = r.mul(Cells.P0).add(Cells.P1).mul(r).add(Cells.P2).mul(r).add(Cells.P3).mul(r).add(Cells.P4).mul(r).add(Cells.P5);
                FloatVector y = p.fma(r.mul(r), r).add(1f);
                IntVector bits = (IntVector) t.reinterpretShape(I, 0);
                FloatVector e = y.mul((FloatVector) bits.lanewise(VectorOperators.LSHL, 23).add(0x3F800000).reinterpretShape(S, 0));
                FloatVector.broadcast(S, 1f).div(e.add(1f)).intoMemorySegment(s, (off + j) << 2, ORDER);
            }
            return body;
        }

        /** {@code dst[dOff + j] = 1 - 2/(1 + e^(2·src[sOff + j]))} for the whole vectors of {@code n}; returns where the tail starts. */
        static int tanh(MemorySegment dst, long dOff, MemorySegment src, long sOff, int n) {
            int body = S.loopBound(n);
            for (int j = 0; j < body; j += L) {
                FloatVector x = FloatVector.fromMemorySegment(S, src, (sOff + j) << 2, ORDER).mul(2f).max(Cells.LO).min(Cells.HI);
                FloatVector t = x.fma(Cells.LOG2E, Cells.ROUND), k = t.sub(Cells.ROUND);
                FloatVector r = x.sub(k.mul(Cells.LN2_HI)).sub(k.mul(Cells.LN2_LO));
                FloatVector p = r.mul(Cells.P0).add(Cells.P1).mul(r).add(Cells.P2).mul(r).add(Cells.P3).mul(r).add(Cells.P4).mul(r).add(Cells.P5);
                FloatVector y = p.fma(r.mul(r), r).add(1f);
                IntVector bits = (IntVector) t.reinterpretShape(I, 0);
                FloatVector e = y.mul((FloatVector) bits.lanewise(VectorOperators.LSHL, 23).add(0x3F800000).reinterpretShape(S, 0));
                FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f))).intoMemorySegment(dst, (dOff + j) << 2, ORDER);
            }
            return body;
        }
    }
}
