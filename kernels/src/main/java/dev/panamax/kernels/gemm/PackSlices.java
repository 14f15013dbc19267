package dev.panamax.kernels.gemm;

import static dev.panamax.kernels.gemm.GemmConfig.NR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector copies of contiguous slices into packed panels: a row slice of B ({@code NR} floats, two vectors)
 * or a column slice of a transposed A ({@code MR} floats, one 128-bit vector) per k step.
 * {@link MemorySegment#copy} did the same work at ~40 ns per call, about 5 % of an n = 1024 GEMM.
 * Only loaded when the Vector API kernels run.
 */
final class PackSlices {
    private static final VectorSpecies<Float> S = Microkernel.S;
    private static final int L = Microkernel.L;
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private PackSlices() {}

    /** {@code dst[base + p·NR + c] = b[src + p·rs + c]} for a full panel, {@code p < kc}, {@code c < NR}. */
    static void rowsOfB(float[] dst, int base, MemorySegment b, long src, long rs, int kc) {
        long bytes = src * 4;
        long step = rs * 4;
        for (int p = 0, d = base; p < kc; p++, d += NR, bytes += step) {
            FloatVector.fromMemorySegment(S, b, bytes, ORDER).intoArray(dst, d);
            FloatVector.fromMemorySegment(S, b, bytes + L * 4L, ORDER).intoArray(dst, d + L);
        }
    }

    /** {@code dst[base + p·4 + r] = a[src + p·cs + r]} for a full panel of four rows, {@code p < kc}. */
    static void columnsOfA(float[] dst, int base, MemorySegment a, long src, long cs, int kc) {
        long bytes = src * 4;
        long step = cs * 4;
        for (int p = 0, d = base; p < kc; p++, d += 4, bytes += step) {
            FloatVector.fromMemorySegment(S4, a, bytes, ORDER).intoArray(dst, d);
        }
    }
}
