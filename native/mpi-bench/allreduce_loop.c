/* Open MPI's own C call in a loop, as a shared library that the Java benchmark
 * (dev.panamax.bench.mpi.InterleavedAllreduceBench) calls once per round, alternating with a round of the same calls
 * made from Java through the FFM binding: both run in one process, so the machine's slow and fast spells (this
 * shared host switches between ~50 and ~100 µs a 0.4 MB call every few seconds, for C as for Java) fall on both.
 * Build: mpicc -O2 -shared -fPIC -o liballreduce_loop.so allreduce_loop.c */
#include <mpi.h>

/* iters in-place float-sum allreduces of buf[0..count) over MPI_COMM_WORLD; returns the seconds they took. */
double allreduce_loop(float *buf, int count, int iters) {
    double t0 = MPI_Wtime();
    for (int i = 0; i < iters; i++) MPI_Allreduce(MPI_IN_PLACE, buf, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    return MPI_Wtime() - t0;
}
