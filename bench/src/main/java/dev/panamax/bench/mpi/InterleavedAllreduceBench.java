package dev.panamax.bench.mpi;

import dev.panamax.ffm.mpi.Mpi;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The FFM binding's {@code MPI_Allreduce} against Open MPI's own C call in one process, in alternating rounds: a
 * round of {@code ITERS} calls made by {@code allreduce_loop} (C, {@code native/mpi-bench/allreduce_loop.c}), then a
 * round of the same calls from Java, then the other order. Separate launches cannot compare the two on this host,
 * whose allreduce time switches between two levels every few seconds (for the C program alone too); here each pair
 * of rounds sees the same machine. Prints, per size, the median time per call of each and the median of the
 * per-pair ratios. Run under {@code mpirun -np N}; arguments: the library's path, then sizes in MB.
 */
public final class InterleavedAllreduceBench {
    private static final int PAIRS = 40;

    private InterleavedAllreduceBench() {}

    public static void main(String[] args) throws Throwable {
        MemorySegment comm = Mpi.MPI_COMM_WORLD(), f32 = Mpi.MPI_FLOAT(), sum = Mpi.MPI_SUM();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT, 2);
            Mpi.MPI_Init_thread(MemorySegment.NULL, MemorySegment.NULL, Mpi.MPI_THREAD_SINGLE, out);
            Mpi.MPI_Comm_rank(comm, out);
            Mpi.MPI_Comm_size(comm, out.asSlice(4));
            int rank = out.get(ValueLayout.JAVA_INT, 0), size = out.get(ValueLayout.JAVA_INT, 4);
            // The loaded libmpi is the one the binding uses (the dynamic linker shares it by soname).
            MethodHandle loop = Linker.nativeLinker().downcallHandle(
                    SymbolLookup.libraryLookup(Path.of(args[0]), arena).findOrThrow("allreduce_loop"),
                    FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            for (int a = 1; a < args.length; a++) {
                long bytes = (long) (Double.parseDouble(args[a]) * 1e6) / 4 * 4;
                int count = (int) (bytes / 4), iters = bytes < 4_000_000 ? 1000 : 10;
                MemorySegment buf = arena.allocate(bytes, 64);
                for (int i = 0; i < count; i++) buf.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1e-3f * (i % 7));
                double[] c = new double[PAIRS], java = new double[PAIRS], ratio = new double[PAIRS];
                for (int r = -10; r < PAIRS; r++) {  // ten pairs of warm-up: the JIT compiles the Java loop meanwhile
                    boolean cFirst = (r & 1) == 0;
                    double tc = 0, tj = 0;
                    for (int half = 0; half < 2; half++) {
                        Mpi.MPI_Barrier(comm);
                        if (cFirst == (half == 0)) {
                            tc = (double) loop.invokeExact(buf, count, iters) / iters;
                        } else {
                            long t0 = System.nanoTime();
                            for (int i = 0; i < iters; i++) Mpi.MPI_Allreduce(Mpi.MPI_IN_PLACE, buf, count, f32, sum, comm);
                            tj = (System.nanoTime() - t0) / 1e9 / iters;
                        }
                    }
                    if (r >= 0) {
                        c[r] = tc;
                        java[r] = tj;
                        ratio[r] = tc / tj;
                    }
                }
                if (rank == 0) {
                    System.out.printf(Locale.ROOT, "{\"ranks\": %d, \"bytes\": %d, \"pairs\": %d, \"c_us\": %.1f, \"ffm_us\": %.1f, "
                                    + "\"ffm_speed_of_c\": %.3f, \"ffm_speed_of_c_p10_p90\": [%.3f, %.3f]}%n",
                            size, bytes, PAIRS, median(c) * 1e6, median(java) * 1e6, median(ratio), quantile(ratio, 0.1), quantile(ratio, 0.9));
                }
            }
            Mpi.MPI_Finalize();
        }
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double at = q * (s.length - 1);
        int lo = (int) Math.floor(at);
        return s[lo] + (at - lo) * (s[Math.min(lo + 1, s.length - 1)] - s[lo]);
    }
}
