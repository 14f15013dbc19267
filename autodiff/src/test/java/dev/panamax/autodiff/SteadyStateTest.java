package dev.panamax.autodiff;

import dev.panamax.autodiff.functional.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.kernels.OptimizerUpdate;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A training step in a step arena allocates no new Arrow memory once the first step has sized the pool. */
class SteadyStateTest {
    @Test
    void stepsAfterTheFirstMakeNoAllocatorCalls() {
        try (MemoryScope model = MemoryScope.open("model"); StepArena arena = new StepArena("train")) {
            Rng rng = new Rng(3);
            List<Var> params = List.of(
                    Var.param(Tensor.normal(rng, 0, 0.05, DType.F32, 64, 32)), Var.param(Tensor.zeros(DType.F32, 32)),
                    Var.param(Tensor.normal(rng, 0, 0.2, DType.F32, 32, 10)), Var.param(Tensor.zeros(DType.F32, 10)));
            List<Tensor> m = params.stream().map(p -> Tensor.zeros(DType.F32, p.shape())).toList();
            List<Tensor> v = params.stream().map(p -> Tensor.zeros(DType.F32, p.shape())).toList();
            Tensor x = Tensor.rand(rng, DType.F32, 16, 64);
            Tensor labels = Tensor.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5}, 16);
            long afterFirst = -1;
            double firstLoss = 0, lastLoss = 0;
            for (int step = 1; step <= 6; step++) {
                try (MemoryScope s = MemoryScope.open("step", arena)) {
                    params.forEach(Var::zeroGrad);
                    Var h = F.relu(F.add(F.matmul(Var.of(x), params.get(0)), params.get(1)));
                    Var loss = F.crossEntropyFromLogits(F.add(F.matmul(h, params.get(2)), params.get(3)), labels);
                    loss.backward();
                    for (int i = 0; i < params.size(); i++) {
                        Tensor p = params.get(i).value(), g = params.get(i).grad();
                        OptimizerUpdate.adam(p.segment(), g.segment(), m.get(i).segment(), v.get(i).segment(), 0, p.numel(),
                                1e-2f, 0.9f, 0.999f, 1e-7f, step, 0f, 0f);
                        p.markModified();
                    }
                    if (step == 1) firstLoss = loss.value().item();
                    lastLoss = loss.value().item();
                }
                if (step == 1) afterFirst = Memory.allocationCount();
            }
            assertEquals(afterFirst, Memory.allocationCount(), "allocator calls after the first step");
            assertTrue(arena.reusedAllocations() > 0);
            assertTrue(lastLoss < firstLoss, "training should lower the loss: " + firstLoss + " -> " + lastLoss);
        }
    }
}
