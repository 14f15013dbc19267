package dev.panamax.bench.jmh;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.op.PackedAttention;
import dev.panamax.autodiff.op.ScaledDotProductAttention;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
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
 * Causal self-attention, forward + backward, F32, B = 1, H = 4, D = 32: the fused op ({@code fused}: online
 * softmax, the scores never stored) against the composite of F ops ({@code composite}: q·kᵀ as a batched GEMM, a
 * (T, T) additive mask of 0 and -∞, softmax, ·v; every intermediate kept on the tape), and the fused op on a packed
 * {@code (B, T, 3C)} projection as {@code MultiHeadAttention} calls it ({@code packed}: no split or merge copies).
 * {@code dropout}: the probability of dropping an attention probability (the composite drops with {@code F.dropout}
 * on the probabilities, another mask of the same rate).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AttentionBench {
    @Param({"64", "256", "1024"})
    public int t;

    @Param({"0", "0.1"})
    public double dropout;

    static final int B = 1, H = 4, D = 32;

    Tensor q, k, v, qkv, mask, gradOut, gradPacked;
    StepArena arena;
    MemoryScope model;

    @Setup(Level.Trial)
    public void setUp() {
        model = MemoryScope.open("model");
        arena = new StepArena("attention");
        Rng rng = new Rng(1);
        q = Tensor.uniform(rng, -1, 1, DType.F32, B, H, t, D);
        k = Tensor.uniform(rng, -1, 1, DType.F32, B, H, t, D);
        v = Tensor.uniform(rng, -1, 1, DType.F32, B, H, t, D);
        gradOut = Tensor.uniform(rng, -1, 1, DType.F32, B, H, t, D);
        qkv = Tensor.uniform(rng, -1, 1, DType.F32, B, t, 3 * H * D);
        gradPacked = Tensor.uniform(rng, -1, 1, DType.F32, B, t, H * D);
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) m[i * t + j] = Float.NEGATIVE_INFINITY;
        }
        mask = Tensor.of(m, t, t);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        model.close();
    }

    @Benchmark
    public double fused() {
        return step(false);
    }

    @Benchmark
    public double composite() {
        return step(true);
    }

    @Benchmark
    public double packed() {
        try (MemoryScope s = MemoryScope.open("step", arena)) {
            Var x = Var.param(qkv);
            PackedAttention.attention(x, H, true, dropout, 7).backward(gradPacked);
            double g = x.grad().getDouble(0, 0, 0);
            x.clearGrad();
            return g;
        }
    }

    private double step(boolean composite) {
        try (MemoryScope s = MemoryScope.open("step", arena)) {
            Var vq = Var.param(q), vk = Var.param(k), vv = Var.param(v);
            Var out = composite ? composite(vq, vk, vv) : ScaledDotProductAttention.attention(vq, vk, vv, true, null, dropout, 7);
            out.backward(gradOut);
            double g = vq.grad().getDouble(0, 0, 0, 0) + vk.grad().getDouble(0, 0, 0, 0) + vv.grad().getDouble(0, 0, 0, 0);
            vq.clearGrad();
            vk.clearGrad();
            vv.clearGrad();
            return g;
        }
    }

    /** {@code softmax(q·kᵀ/sqrt(D) + mask)·v} from F ops, the reference the fused op replaces. */
    private Var composite(Var q, Var k, Var v) {
        Var scores = F.mul(F.matmul(q, F.transpose(k, 2, 3)), 1 / Math.sqrt(D));
        return F.matmul(F.dropout(F.softmax(F.add(scores, Var.of(mask)), -1), dropout, true, new Rng(7)), v);
    }
}
