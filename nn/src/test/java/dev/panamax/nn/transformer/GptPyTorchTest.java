package dev.panamax.nn.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.testing.Npz;
import dev.panamax.nn.Model.OutputAndLoss;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A 2-block GPT against PyTorch 1.13 (nn/src/test/python/make_gpt_fixture.py): from the same weights and batch,
 * the same logits, loss and gradient of every parameter, and after one AdamW step (decay on the kernels only)
 * the same weights.
 */
class GptPyTorchTest {
    static Map<String, Tensor> fixture() throws Exception {
        try (InputStream in = GptPyTorchTest.class.getResourceAsStream("/fixtures/gpt_step.npz")) {
            assertNotNull(in, "fixture missing; run nn/src/test/python/make_gpt_fixture.py");
            return Npz.read(in);
        }
    }

    /** Largest |got - want| over all elements. */
    static double maxDiff(Tensor got, Tensor want) {
        double[] g = got.toDoubleArray(), w = want.toDoubleArray();
        assertEquals(w.length, g.length, "element count");
        double m = 0;
        for (int i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i] - w[i]));
        return m;
    }

    @Test
    void forwardBackwardAndOneAdamWStepMatchPyTorch() throws Exception {
        try (MemoryScope s = MemoryScope.open("gpt")) {
            Map<String, Tensor> fx = fixture();
            Gpt gpt = new Gpt(new GptConfig(11, 8, 2, 2, 16, false), 1).build(8);
            Map<String, Tensor> weights = gpt.weights();
            assertEquals(fx.keySet().stream().filter(k -> !k.contains(".") || k.startsWith("grad.") || k.startsWith("after.")).count()
                    + weights.size(), fx.size(), "the fixture holds exactly the model's weights (names: " + weights.keySet() + ")");
            for (Map.Entry<String, Tensor> e : weights.entrySet()) {
                assertNotNull(fx.get(e.getKey()), "fixture lacks " + e.getKey());
                e.getValue().copyFrom(fx.get(e.getKey()));
            }
            OutputAndLoss r = gpt.forwardWithLoss(Var.of(fx.get("ids")), fx.get("targets"),
                    Loss.byName("sparse_categorical_crossentropy", true), true);
            assertTrue(maxDiff(r.output().value(), fx.get("logits")) < 2e-5, "logits differ by " + maxDiff(r.output().value(), fx.get("logits")));
            assertEquals(fx.get("loss").item(), r.loss().value().item(), 1e-5, "loss");
            r.loss().backward();
            int i = 0;
            for (Map.Entry<String, Tensor> e : weights.entrySet()) {
                Tensor g = gpt.params().get(i++).grad();
                double d = maxDiff(g, fx.get("grad." + e.getKey()));
                assertTrue(d < 1e-5, e.getKey() + ": gradient differs from PyTorch's by " + d);
            }
            // The step from PyTorch's own gradients: the key bias's true gradient is zero (softmax ignores a shift
            // shared by every key), so float rounding alone sets its sign, and Adam's first step is lr·sign(g).
            i = 0;
            for (Map.Entry<String, Tensor> e : weights.entrySet()) gpt.params().get(i++).grad().copyFrom(fx.get("grad." + e.getKey()));
            Adam adamW = new Adam(1e-2, 0.9, 0.95, 1e-8, 0.1);
            adamW.withoutWeightDecay(gpt.decayExempt());
            adamW.step(gpt.params());
            for (Map.Entry<String, Tensor> e : weights.entrySet()) {
                double d = maxDiff(e.getValue(), fx.get("after." + e.getKey()));
                assertTrue(d < 1e-6, e.getKey() + ": weight after AdamW differs from PyTorch's by " + d);
            }
            adamW.close();
        }
    }
}
