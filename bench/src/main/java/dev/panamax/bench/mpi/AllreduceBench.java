package dev.panamax.bench.mpi;

import dev.panamax.ffm.mpi.Mpi;
import dev.panamax.nn.dist.Collective;
import dev.panamax.tensors.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;

/**
 * In-place float-sum allreduce through Panamax, with the protocol of {@code native/mpi-bench/allreduce_bench.c}
 * (which calls MPI from C), so {@code native/mpi-bench/run.sh} can set the two side by side. {@code ffm}: the FFM
 * binding called directly on the main thread; {@code collective}: through {@link Collective#world()}, which hands
 * each call to its MPI thread (what training pays). Run under {@code mpirun -np N}; arguments: mode, sizes in MB.
 */
public final class AllreduceBench {
    private AllreduceBench() {}

    public static void main(String[] args) {
        boolean direct = args[0].equals("ffm");
        Collective group = direct ? null : Collective.world();
        int rank, size;
        MemorySegment comm = direct ? Mpi.MPI_COMM_WORLD() : null, f32 = direct ? Mpi.MPI_FLOAT() : null, sum = direct ? Mpi.MPI_SUM() : null;
        try (Arena arena = Arena.ofShared()) {
            if (direct) {
                MemorySegment out = arena.allocate(ValueLayout.JAVA_INT, 2);
                Mpi.MPI_Init_thread(MemorySegment.NULL, MemorySegment.NULL, Mpi.MPI_THREAD_SINGLE, out);
                Mpi.MPI_Comm_rank(comm, out);
                Mpi.MPI_Comm_size(comm, out.asSlice(4));
                rank = out.get(ValueLayout.JAVA_INT, 0);
                size = out.get(ValueLayout.JAVA_INT, 4);
            } else {
                rank = group.rank();
                size = group.size();
            }
            for (int a = 1; a < args.length; a++) {
                long bytes = (long) (Double.parseDouble(args[a]) * 1e6) / 4 * 4;
                int count = (int) (bytes / 4);
                MemorySegment buf = arena.allocate(bytes, 64);
                for (int i = 0; i < count; i++) buf.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1e-3f * (i % 7));
                int iters = bytes < 4_000_000 ? 1000 : 10;
                Runnable op = direct ? () -> Mpi.MPI_Allreduce(Mpi.MPI_IN_PLACE, buf, count, f32, sum, comm)
                        : () -> group.allreduceSum(buf, DType.F32, count);
                Runnable barrier = direct ? () -> Mpi.MPI_Barrier(comm) : group::barrier;
                // Warm-up: the JIT compiles the call path meanwhile (WARMUP_ROUNDS rounds' worth, as the C program;
                // 30 by default: with fewer, C and Java alike measured ~50 or ~110 µs a 0.4 MB call, run by run).
                int warm = iters * Integer.parseInt(System.getenv().getOrDefault("WARMUP_ROUNDS", "30")) + 1;
                for (int i = 0; i < warm; i++) op.run();
                double[] t = new double[5];
                for (int r = 0; r < 5; r++) {
                    barrier.run();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < iters; i++) op.run();
                    t[r] = (System.nanoTime() - t0) / 1e9 / iters;
                }
                double[] rounds = t.clone();
                Arrays.sort(t);
                double busbw = bytes / t[2] * 2.0 * (size - 1) / size / 1e9;
                if (rank == 0) {
                    System.out.printf(Locale.ROOT, "{\"impl\": \"%s\", \"ranks\": %d, \"bytes\": %d, \"us\": %.1f, \"busbw_GBps\": %.3f, \"rounds_us\": [%.1f, %.1f, %.1f, %.1f, %.1f]}%n",
                            direct ? "FFM" : "Collective", size, bytes, t[2] * 1e6, busbw, rounds[0] * 1e6, rounds[1] * 1e6, rounds[2] * 1e6, rounds[3] * 1e6, rounds[4] * 1e6);
                }
            }
            if (direct) Mpi.MPI_Finalize();
        }
    }
}
