/* OpenBLAS sgemm called natively, to measure what the FFM path (./panamax bench gemm) costs on top.
 * Same protocol as GemmTable: square row-major C = A*B, warm-up for a third of the time, then the median
 * GFLOP/s of timed runs filling the given seconds.
 * Build: gcc -O2 -o sgemm_bench sgemm_bench.c -lopenblas     Run: ./sgemm_bench N THREADS SECONDS */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s N THREADS SECONDS\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), threads = atoi(argv[2]);
    double seconds = atof(argv[3]);
    float *a = aligned_alloc(64, sizeof(float) * n * n), *b = aligned_alloc(64, sizeof(float) * n * n),
          *c = aligned_alloc(64, sizeof(float) * n * n);
    srand(1);
    for (long i = 0; i < (long) n * n; i++) {
        a[i] = rand() / (float) RAND_MAX - 0.5f;
        b[i] = rand() / (float) RAND_MAX - 0.5f;
    }
    openblas_set_num_threads(threads);
    double end = now() + seconds / 3;
    do cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n); while (now() < end);
    double runs[100000];
    int count = 0;
    end = now() + seconds;
    do {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        runs[count++] = 2.0 * n * n * n / ((now() - t0) * 1e9);
    } while ((now() < end || count < 3) && count < 100000);
    qsort(runs, count, sizeof(double), cmp);
    printf("{\"impl\": \"openblas-native\", \"n\": %d, \"threads\": %d, \"gflops\": %.1f, \"kernel\": \"%s\"}\n", n, threads,
           runs[count / 2], openblas_get_corename());
    free(a);
    free(b);
    free(c);
    return 0;
}
