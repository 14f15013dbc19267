/* MPI_Allreduce called natively, to measure what the FFM path (dev.panamax.bench.mpi.AllreduceBench) costs on top.
 * Same protocol as the Java side: in-place float sum over MPI_COMM_WORLD; per size, 5 rounds of ITERS calls after
 * a barrier and a warm-up as long as WARMUP_ROUNDS rounds (environment; default 30: after
 * fewer, both this program and the Java one ran some launches at ~50 µs and others at ~110 µs a 0.4 MB call); prints the median time per call and the bus bandwidth (nccl-tests' definition:
 * bytes / time * 2 (N - 1) / N, what each link carries in a ring allreduce).
 * Build: mpicc -O2 -o allreduce_bench allreduce_bench.c     Run: mpirun -np 2 ./allreduce_bench MB...  */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    for (int a = 1; a < argc; a++) {
        long bytes = (long) (atof(argv[a]) * 1e6) / 4 * 4;
        int count = (int) (bytes / 4);
        float *buf = aligned_alloc(64, bytes);
        for (int i = 0; i < count; i++) buf[i] = 1e-3f * (i % 7);
        int iters = bytes < 4000000 ? 1000 : 10;
        /* WARMUP: calls before the rounds, as a multiple of a round (the same on every rank: each call is collective) */
        int warm = iters * (getenv("WARMUP_ROUNDS") ? atoi(getenv("WARMUP_ROUNDS")) : 30) + 1;
        for (int i = 0; i < warm; i++) MPI_Allreduce(MPI_IN_PLACE, buf, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        double t[5], u[5];
        for (int r = 0; r < 5; r++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double t0 = MPI_Wtime();
            for (int i = 0; i < iters; i++) MPI_Allreduce(MPI_IN_PLACE, buf, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            t[r] = u[r] = (MPI_Wtime() - t0) / iters;
        }
        qsort(t, 5, sizeof(double), cmp);
        double busbw = bytes / t[2] * 2.0 * (size - 1) / size / 1e9;
        if (rank == 0) printf("{\"impl\": \"C\", \"ranks\": %d, \"bytes\": %ld, \"us\": %.1f, \"busbw_GBps\": %.3f, \"rounds_us\": [%.1f, %.1f, %.1f, %.1f, %.1f]}\n",
                              size, bytes, t[2] * 1e6, busbw, u[0] * 1e6, u[1] * 1e6, u[2] * 1e6, u[3] * 1e6, u[4] * 1e6);
        free(buf);
    }
    MPI_Finalize();
    return 0;
}
