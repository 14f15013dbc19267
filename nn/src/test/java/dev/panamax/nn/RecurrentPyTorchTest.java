package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.testing.Npz;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A 2-layer LSTM and a 2-layer bidirectional GRU against PyTorch's {@code nn.LSTM} / {@code nn.GRU} with the same
 * weights (loaded by PyTorch's parameter names) and batch: a linear head on the last step's output, MSE loss; the
 * loss and the gradient of every parameter must agree. Fixtures from autodiff/src/test/python/make_rnn_fixtures.py.
 */
class RecurrentPyTorchTest {
    static Map<String, Tensor> fixture(String file) throws Exception {
        try (InputStream in = RecurrentPyTorchTest.class.getResourceAsStream("/fixtures/" + file)) {
            assertNotNull(in, "fixture missing; run autodiff/src/test/python/make_rnn_fixtures.py");
            return Npz.read(in);
        }
    }

    static void matchesPyTorch(java.util.function.Supplier<RecurrentLayer> make, String file) throws Exception {
        try (MemoryScope s = MemoryScope.open(file)) {
            RecurrentLayer layer = make.get();  // in the scope, so its weights die with it
            Map<String, Tensor> fx = fixture(file);
            Tensor x = fx.get("x");
            long b = x.dim(0), t = x.dim(1);
            layer.build(new long[] {t, x.dim(2)}, new Rng(0));
            List<String> names = layer.paramNames();
            assertEquals(names.size(), layer.params().size());
            for (int i = 0; i < names.size(); i++) layer.params().get(i).value().copyFrom(fx.get(names.get(i)));
            Var w = Var.param(fx.get("head.weight").copy()), bias = Var.param(fx.get("head.bias").copy());
            Var seq = layer.run(Var.of(x), null, null).sequence();
            Var last = F.reshape(F.slice(seq, 1, t - 1, t, 1), b, seq.shape()[2]);
            Var pred = F.add(F.matmul(last, F.transpose(w, 0, 1)), bias);
            Var loss = F.mse(pred, Var.of(fx.get("target")));
            Tensor want = fx.get("loss").to(DType.F32);
            assertTrue(loss.value().allClose(want, 1e-6, 1e-5), "loss " + loss.value() + " vs PyTorch " + want);
            loss.backward();
            for (int i = 0; i < names.size(); i++) {
                Tensor g = layer.params().get(i).grad(), ref = fx.get("grad." + names.get(i)).to(DType.F32);
                assertTrue(g.allClose(ref, 1e-4, 1e-6), names.get(i) + " gradient " + g + "\nPyTorch " + ref);
            }
            assertTrue(w.grad().allClose(fx.get("grad.head.weight").to(DType.F32), 1e-4, 1e-6), "head weight gradient");
        }
    }

    @Test
    void twoLayerLstmLossAndEveryGradientMatchPyTorch() throws Exception {
        matchesPyTorch(() -> new LSTM(5, 2, false, true), "rnn_lstm_2layer.npz");
    }

    @Test
    void twoLayerBidirectionalGruLossAndEveryGradientMatchPyTorch() throws Exception {
        matchesPyTorch(() -> new GRU(5, 2, true, true), "rnn_gru_2layer_bidirectional.npz");
    }

    @Test
    void finalStatesAndInitialStates() {
        try (MemoryScope s = MemoryScope.open("states")) {
            LSTM lstm = new LSTM(3, 2, true, false);
            Tensor x = Tensor.uniform(new Rng(1), -1, 1, DType.F32, 2, 4, 5);
            Var out = lstm.apply(Var.of(x), false, new Rng(2));
            assertEquals(List.of(2L, 6L), java.util.Arrays.stream(out.shape()).boxed().toList());
            // Non-zero initial states change the result; (L·D, B, H) is the only shape accepted.
            Tensor h0 = Tensor.uniform(new Rng(3), -1, 1, DType.F32, 4, 2, 3), c0 = Tensor.uniform(new Rng(4), -1, 1, DType.F32, 4, 2, 3);
            RecurrentLayer.Output o = lstm.run(Var.of(x), Var.of(h0), Var.of(c0));
            assertEquals(4, o.hidden().size());
            assertEquals(4, o.cell().size());
            assertTrue(!o.sequence().value().allClose(lstm.run(Var.of(x), null, null).sequence().value(), 1e-6, 1e-6));
            Tensor bad = Tensor.zeros(DType.F32, 2, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lstm.run(Var.of(x), Var.of(bad), null));
            assertTrue(e.getMessage().contains("initial states must be"), e.getMessage());
        }
    }
}
