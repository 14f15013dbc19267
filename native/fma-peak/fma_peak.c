// The core's peak single-precision FMA rate: independent chains of vector FMAs that never touch memory, enough
// of them to cover the FMA latency on every port, on 1..N threads at once. The ceiling every kernel is measured
// against (a training step's GFLOP/s over this is its share of the machine).
// Build: gcc -O3 -march=native -pthread fma_peak.c -o fma_peak; run: ./fma_peak [threads] [seconds]
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define CHAINS 24  // of 32 registers: 24 accumulators, the two operands, room for the compiler
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define SET1(x) _mm512_set1_ps(x)
static float first_lane(vec v) { return _mm512_cvtss_f32(v); }
#else
typedef __m256 vec;
#define LANES 8
#define CHAINS 12  // of 16 registers
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define SET1(x) _mm256_set1_ps(x)
static float first_lane(vec v) { return _mm256_cvtss_f32(v); }
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double seconds = 2;
static double results[64];

static void *run(void *arg) {
    long id = (long) arg;
    vec acc[CHAINS];
    vec b = SET1(1.0000001f), c = SET1(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = SET1((float) i);
    long steps = 0;
    double start = now(), elapsed;
    do {
        for (int r = 0; r < 100000; r++) {
#pragma GCC unroll 32
            for (int i = 0; i < CHAINS; i++) acc[i] = FMA(acc[i], b, c);
        }
        steps += 100000;
        elapsed = now() - start;
    } while (elapsed < seconds);
    float sink = 0;
    for (int i = 0; i < CHAINS; i++) sink += first_lane(acc[i]);
    results[id] = steps * (double) CHAINS * LANES * 2 / elapsed / 1e9;
    if (sink == 42) puts("");  // keeps the chains alive
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (argc > 2) seconds = atof(argv[2]);
    if (threads < 1 || threads > 64) return 2;
    pthread_t t[64];
    for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, run, (void *) i);
    double total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        total += results[i];
    }
    printf("{\"vector_bits\": %d, \"threads\": %d, \"gflops_total\": %.1f, \"gflops_per_thread\": %.1f}\n", LANES * 32, threads,
           total, total / threads);
    return 0;
}
