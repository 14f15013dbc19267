package dev.panamax.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each optimizer's update against the formula worked by hand in double precision. */
class OptimizerTest {
    static final double[] W = {1, -2, 0.5};
    static final double[] G = {0.5, -1, 0.25};

    /** Runs {@code steps} updates with the fixed gradient G and returns the weights. */
    static float[] run(Optimizer opt, int steps) {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var p = Var.param(Tensor.of(new float[] {1, -2, 0.5f}, 3));
            for (int i = 0; i < steps; i++) {
                p.clearGrad();
                p.value();
                F.sum(F.mul(p, Var.of(Tensor.of(new float[] {0.5f, -1, 0.25f}, 3)))).backward();
                opt.step(List.of(p));
            }
            float[] out = p.value().toFloatArray();
            opt.close();
            p.clearGrad();
            return out;
        }
    }

    static float[] expect(java.util.function.IntToDoubleFunction f) {
        float[] e = new float[3];
        for (int i = 0; i < 3; i++) e[i] = (float) f.applyAsDouble(i);
        return e;
    }

    @Test
    void sgdPlainMomentumAndNesterov() {
        assertArrayEquals(expect(i -> W[i] - 0.1 * G[i]), run(new Sgd(0.1), 1), 1e-6f);
        // momentum: buf = g, then 0.9 g + g; w -= lr (g + 1.9 g)
        assertArrayEquals(expect(i -> W[i] - 0.1 * (G[i] + 1.9 * G[i])), run(new Sgd(0.1, 0.9, false), 2), 1e-6f);
        // nesterov: steps g + 0.9 g, then g + 0.9 (1.9 g)
        assertArrayEquals(expect(i -> W[i] - 0.1 * (1.9 * G[i] + (1 + 0.9 * 1.9) * G[i])), run(new Sgd(0.1, 0.9, true), 2), 1e-6f);
    }

    @Test
    void adaptiveOptimizers() {
        assertArrayEquals(expect(i -> W[i] - 0.01 * G[i] / (Math.abs(G[i]) + 1e-7)), run(new Adam(0.01), 1), 1e-6f);
        assertArrayEquals(expect(i -> W[i] * (1 - 0.01 * 0.1) - 0.01 * G[i] / (Math.abs(G[i]) + 1e-7)), run(Adam.adamW(0.01, 0.1), 1), 1e-6f);
        assertArrayEquals(expect(i -> W[i] - 0.01 * G[i] / (Math.sqrt(0.1 * G[i] * G[i]) + 1e-7)), run(new RmsProp(0.01), 1), 1e-6f);
        assertArrayEquals(expect(i -> W[i] - 0.01 * G[i] / (Math.sqrt(0.1 + G[i] * G[i]) + 1e-7)), run(new Adagrad(0.01), 1), 1e-6f);
    }

    @Test
    void clippingAndSchedules() {
        double norm = Math.sqrt(0.25 + 1 + 0.0625);
        assertArrayEquals(expect(i -> W[i] - G[i] * 0.5 / norm), run(new Sgd(1).clipGlobalNorm(0.5), 1), 1e-6f);
        assertArrayEquals(expect(i -> W[i] - Math.max(-0.3, Math.min(0.3, G[i]))), run(new Sgd(1).clipValue(0.3), 1), 1e-6f);
        LearningRateSchedule step = LearningRateSchedule.stepDecay(0.1, 10, 0.5);
        assertEquals(0.1, step.at(9), 1e-12);
        assertEquals(0.05, step.at(10), 1e-12);
        LearningRateSchedule cos = LearningRateSchedule.cosine(1.0, 100, 0.0, 10);
        assertEquals(0.1, cos.at(0), 1e-12);
        assertEquals(1.0, cos.at(10), 1e-12);
        assertEquals(0.5, cos.at(60), 1e-12);
        assertEquals(0.0, cos.at(500), 1e-12);
        LearningRateSchedule pw = LearningRateSchedule.piecewise(new long[] {5, 10}, new double[] {1, 0.5, 0.1});
        assertEquals(0.5, pw.at(7), 0);
        // A schedule drives the optimizer: the first step uses step 0's rate.
        assertArrayEquals(expect(i -> W[i] - 0.1 * G[i]), run(new Sgd(1).schedule(s -> 0.1), 1), 1e-6f);
    }

    /** AdamW's decoupled decay shrinks a decayed parameter by lr·decay·w and leaves an exempt one alone. */
    @Test
    void weightDecayExemptionsTakePlainAdamSteps() {
        try (MemoryScope s = MemoryScope.open("decay")) {
            Var decayed = Var.param(Tensor.of(new float[] {1, -2, 0.5f}, 3)), exempt = Var.param(Tensor.of(new float[] {1, -2, 0.5f}, 3));
            Tensor g = Tensor.of(new float[] {0.5f, -1, 0.25f}, 3);
            F.sum(F.add(F.mul(decayed, Var.of(g)), F.mul(exempt, Var.of(g)))).backward();
            Adam adamW = Adam.adamW(0.1, 0.2);
            adamW.withoutWeightDecay(List.of(exempt));
            adamW.step(List.of(decayed, exempt));
            float[] d = decayed.value().toFloatArray(), e = exempt.value().toFloatArray();
            for (int i = 0; i < 3; i++) assertEquals(e[i] - 0.1 * 0.2 * W[i], d[i], 1e-6, "element " + i);
            // The exempt one took exactly Adam's first step: w - lr·sign(g) (m̂ = g, v̂ = g², eps negligible).
            for (int i = 0; i < 3; i++) assertEquals(W[i] - 0.1 * Math.signum(G[i]), e[i], 1e-5, "exempt element " + i);
            adamW.close();
        }
    }
}
