package dev.panamax.bench.jmh;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.testing.OpInfo;
import dev.panamax.autodiff.testing.OpInfos;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
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
 * One benchmark line per OpInfo record: forward + backward of the op on its first sample, in F32. The op list
 * is the OpInfo table itself ({@code BenchMain} passes every name as {@code op}); the default runs {@code add}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OpBench {
    @Param({"add"})
    public String op;

    OpInfo info;
    Tensor[] inputs;
    StepArena arena;
    MemoryScope model;

    @Setup(Level.Trial)
    public void setUp() {
        info = OpInfos.all().stream().filter(o -> o.name().equals(op)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no OpInfo named '" + op + "'"));
        model = MemoryScope.open("model");
        arena = new StepArena("op");
        Tensor[] sample = info.samples().get().get(0);
        inputs = new Tensor[sample.length];
        for (int i = 0; i < sample.length; i++) inputs[i] = sample[i].to(DType.F32);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        model.close();
    }

    @Benchmark
    public double forwardBackward() {
        try (MemoryScope s = MemoryScope.open("step", arena)) {
            Var[] v = new Var[inputs.length];
            for (int i = 0; i < v.length; i++) v[i] = Var.param(inputs[i]);
            Var out = info.fn().apply(v);
            out.backward(Tensor.ones(out.value().dtype(), out.shape()));
            double s0 = v[0].grad() == null ? 0 : v[0].grad().getDouble(new long[v[0].shape().length]);
            for (Var p : v) p.clearGrad();
            return s0;
        }
    }
}
