package dev.panamax.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-group learning rates and weight decay (PyTorch's param_groups) and frozen parameters. */
class ParamGroupTest {
    private static Var param(float... v) {
        return Var.param(Tensor.of(v, v.length));
    }

    /** Σ 2·w: every gradient is 2. */
    private static void backward(List<Var> ps) {
        Var total = null;
        for (Var p : ps) {
            Var t = F.sum(F.mul(p, 2.0));
            total = total == null ? t : F.add(total, t);
        }
        total.backward();
    }

    @Test
    void eachGroupStepsWithItsOwnRateAndDecayAndSchedulesScaleThem() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var plain = param(1, 1), slow = param(1, 1), decayed = param(1, 1);
            List<Var> all = List.of(plain, slow, decayed);
            Sgd sgd = new Sgd(0.1);
            sgd.addParamGroup(ParamGroup.of(List.of(slow)).learningRate(0.01));
            sgd.addParamGroup(ParamGroup.of(List.of(decayed)).weightDecay(0.5));
            backward(all);
            sgd.step(all);
            assertArrayEquals(new float[] {0.8f, 0.8f}, plain.value().toFloatArray(), 1e-6f);     // 1 - 0.1·2
            assertArrayEquals(new float[] {0.98f, 0.98f}, slow.value().toFloatArray(), 1e-6f);    // 1 - 0.01·2
            assertArrayEquals(new float[] {0.75f, 0.75f}, decayed.value().toFloatArray(), 1e-6f); // 1 - 0.1·(2 + 0.5·1)
            sgd.setLearningRate(0.05);   // half the rate: the slow group halves too
            all.forEach(Var::zeroGrad);
            backward(all);
            sgd.step(all);
            assertArrayEquals(new float[] {0.7f, 0.7f}, plain.value().toFloatArray(), 1e-6f);     // 0.8 - 0.05·2
            assertArrayEquals(new float[] {0.97f, 0.97f}, slow.value().toFloatArray(), 1e-6f);    // 0.98 - 0.005·2
            assertEquals(2, sgd.paramGroups().size());
        }
    }

    @Test
    void aGroupCanTurnAdamWsDecayOff() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var decayed = param(1), exempt = param(1);
            Adam adamW = Adam.adamW(0.1, 0.5);
            adamW.addParamGroup(ParamGroup.of(List.of(exempt)).weightDecay(0));
            backward(List.of(decayed, exempt));
            adamW.step(List.of(decayed, exempt));
            // First Adam step moves by lr (m̂/√v̂ = 1); AdamW's decoupled decay takes lr·decay·w more.
            assertEquals(1 - 0.1 - 0.05, decayed.value().toFloatArray()[0], 1e-5);
            assertEquals(1 - 0.1, exempt.value().toFloatArray()[0], 1e-5);
        }
    }

    @Test
    void badGroupsAreRefusedWithTheReason() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var w = param(1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new RmsProp(0.1).addParamGroup(ParamGroup.of(List.of(w)).weightDecay(0.1)));
            assertEquals("RmsProp has no weight decay; use Sgd or Adam for a group with weightDecay(0.1)", e.getMessage());
            Sgd sgd = new Sgd(0.1);
            sgd.addParamGroup(ParamGroup.of(List.of(w)));
            assertThrows(IllegalArgumentException.class, () -> sgd.addParamGroup(ParamGroup.of(List.of(w))));
            assertThrows(IllegalArgumentException.class, () -> ParamGroup.of(List.of(w)).learningRate(-1));
        }
    }

    @Test
    void aFrozenParameterGetsNoGradientAndIsNotUpdatedEvenWithAStaleOne() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var frozen = param(1, 1), live = param(1, 1);
            Sgd sgd = new Sgd(0.1);
            backward(List.of(frozen, live));       // frozen now holds a gradient from before it was frozen
            frozen.setRequiresGrad(false);
            live.zeroGrad();
            backward(List.of(frozen, live));
            sgd.step(List.of(frozen, live));
            assertArrayEquals(new float[] {1, 1}, frozen.value().toFloatArray());
            assertArrayEquals(new float[] {0.8f, 0.8f}, live.value().toFloatArray(), 1e-6f);
            Var fresh = param(3);
            fresh.setRequiresGrad(false);
            assertEquals(false, F.mul(fresh, 2.0).requiresGrad());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> F.mul(live, 2.0).setRequiresGrad(false));
            assertEquals("setRequiresGrad: only leaves (parameters, constants) can change it; this value came from Mul. "
                    + "Use detach() to cut it off the tape", e.getMessage());
        }
    }
}
