package dev.panamax.bench.jmh;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.Elementwise;
import dev.panamax.kernels.Reduce;
import dev.panamax.kernels.spec.ReduceOp;
import dev.panamax.kernels.spec.UnaryOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

/**
 * Elementwise kernels on one thread over {@code n} floats: bytes moved per call are 12n (add: two reads, one
 * write) or 8n (unary), so GB/s = bytes / time. 16K floats stay in L1/L2; 4M go to memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ElementwiseBench {
    @Param({"16384", "4194304"})
    public int n;

    Arena arena;
    MemorySegment a, b, o;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        a = GemmBench.random(arena, n, 1);
        b = GemmBench.random(arena, n, 2);
        o = arena.allocate(n * 4L, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment add() {
        Elementwise.binaryF32(BinaryOp.ADD, o, 0, a, 0, b, 0, n);
        return o;
    }

    @Benchmark
    public MemorySegment relu() {
        Elementwise.unaryF32(UnaryOp.RELU, o, 0, a, 0, n);
        return o;
    }

    @Benchmark
    public MemorySegment exp() {
        Elementwise.unaryF32(UnaryOp.EXP, o, 0, a, 0, n);
        return o;
    }

    @Benchmark
    public float sum() {
        return Reduce.reduceF32(ReduceOp.SUM, a, 0, n);
    }
}
