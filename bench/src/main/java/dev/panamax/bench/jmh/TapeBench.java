package dev.panamax.bench.jmh;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What recording an op on the tape costs beyond its kernel: a chain of 100 tiny adds (one element each), with
 * the tape on (forward only, and forward + backward) and off. Per-op time; tape cost = taped - untaped.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TapeBench {
    static final int CHAIN = 100;

    StepArena arena;
    MemoryScope model;
    Var x;
    Var c;

    @Setup(Level.Trial)
    public void setUp() {
        model = MemoryScope.open("model");
        arena = new StepArena("tape");
        x = Var.param(Tensor.ones(DType.F32, 1));
        c = Var.of(Tensor.full(DType.F32, 0.5, 1));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        model.close();
    }

    private Var chain() {
        Var v = x;
        for (int i = 0; i < CHAIN; i++) v = F.add(v, c);
        return v;
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public double forwardTaped() {
        try (MemoryScope s = MemoryScope.open("step", arena)) {
            return chain().value().item();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public double forwardUntaped() {
        try (MemoryScope s = MemoryScope.open("step", arena); GradMode.Switch off = GradMode.noGrad()) {
            return chain().value().item();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public double forwardAndBackward() {
        try (MemoryScope s = MemoryScope.open("step", arena)) {
            x.zeroGrad();
            chain().backward();
            return x.grad().item();
        }
    }
}
