package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.testing.Npz;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The headline model against PyTorch: the same weights and batch (from autodiff/src/test/python/make_fixtures.py)
 * give the same loss and the same gradient for every parameter.
 */
class TutorialModelPyTorchTest {
    @Test
    void oneTrainingStepMatchesPyTorch() throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            Map<String, Tensor> fx;
            try (InputStream in = getClass().getResourceAsStream("/fixtures/tutorial_cnn_step.npz")) {
                assertNotNull(in, "fixture missing; run autodiff/src/test/python/make_fixtures.py");
                fx = Npz.read(in);
            }
            Sequential m = Models.tutorialCnn(1, 10).build(28, 28, 1);
            for (Layer l : m.layers()) {
                List<String> names = l.paramNames();
                for (int i = 0; i < l.params().size(); i++) l.params().get(i).value().copyFrom(fx.get(l.name() + "." + names.get(i)));
            }
            Var out = m.forward(Var.of(fx.get("x")), true);
            Var loss = F.crossEntropyFromProbs(out, fx.get("labels"), 1e-7);
            Tensor want = fx.get("loss").to(DType.F32);
            assertTrue(loss.value().allClose(want, 1e-5, 1e-6), "loss " + loss.value() + " vs PyTorch " + want);
            loss.backward();
            for (Layer l : m.layers()) {
                List<String> names = l.paramNames();
                for (int i = 0; i < l.params().size(); i++) {
                    String key = l.name() + "." + names.get(i);
                    Tensor g = l.params().get(i).grad(), w = fx.get("grad." + key);
                    assertTrue(g.allClose(w, 1e-3, 1e-5), key + " gradient differs from PyTorch");
                }
            }
        }
    }
}
