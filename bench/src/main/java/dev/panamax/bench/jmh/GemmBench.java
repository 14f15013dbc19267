package dev.panamax.bench.jmh;

import dev.panamax.ffm.openblas.Cblas;
import dev.panamax.kernels.gemm.Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Square sgemm, C = A·B, for Panamax's Java GEMM and OpenBLAS through FFM; GFLOP/s = 2n³ / time. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GemmBench {
    @Param({"64", "128", "256", "512", "1024", "2048"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    Arena arena;
    MemorySegment a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        a = random(arena, (long) n * n, 1);
        b = random(arena, (long) n * n, 2);
        c = arena.allocate((long) n * n * 4, 64);
        if (Cblas.isAvailable()) Cblas.openblas_set_num_threads(threads);
    }

    static MemorySegment random(Arena arena, long count, long seed) {
        MemorySegment s = arena.allocate(count * 4, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment java() {
        Gemm.sgemm(threads, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return c;
    }

    @Benchmark
    public MemorySegment openblas() {
        if (!Cblas.isAvailable()) throw new IllegalStateException(Cblas.library().problem());
        Cblas.cblas_sgemm(Cblas.CblasRowMajor, Cblas.CblasNoTrans, Cblas.CblasNoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n);
        return c;
    }
}
