package dev.panamax.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.optim.Sgd;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.nn.transformer.GptConfig;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Named parameters and state dicts for any Model, frozen layers, forward hooks. */
class ModelStateTest {
    private static Sequential mlp(long seed) {
        return new Sequential(seed).add(new Dense(4, "relu")).add(new Dense(2, "softmax")).build(3);
    }

    @Test
    void aStateDictMovesWeightsBetweenModelsOfTheSameShape() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential a = mlp(1), b = mlp(2);
            Tensor x = Tensor.uniform(new Rng(5), -1, 1, DType.F32, 5, 3);
            assertFalse(a.forward(Var.of(x), false).value().allClose(b.forward(Var.of(x), false).value()));
            Model.LoadResult r = b.loadStateDict(a.stateDict(), true);
            assertEquals(List.of(), r.missingKeys());
            assertArrayEquals(a.forward(Var.of(x), false).value().toFloatArray(), b.forward(Var.of(x), false).value().toFloatArray());
            assertEquals(List.of("dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"), List.copyOf(a.namedParameters().keySet()));
            assertTrue(a.namedParameters().get("dense_1.bias") == a.params().get(3));
        }
    }

    @Test
    void strictAndNonStrictLoadingReportKeysAndAShapeErrorNamesTheKey() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential a = mlp(1), b = mlp(2);
            Map<String, Tensor> partial = new LinkedHashMap<>(a.stateDict());
            partial.remove("dense.bias");
            partial.put("extra.kernel", Tensor.zeros(DType.F32, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(partial, true));
            assertEquals("loadStateDict: missing keys [dense.bias], unexpected keys [extra.kernel]; pass strict = false to load "
                    + "the keys that match", e.getMessage());
            Tensor biasBefore = b.stateDict().get("dense.bias").copy();
            Model.LoadResult r = b.loadStateDict(partial, false);
            assertEquals(List.of("dense.bias"), r.missingKeys());
            assertEquals(List.of("extra.kernel"), r.unexpectedKeys());
            assertArrayEquals(biasBefore.toFloatArray(), b.stateDict().get("dense.bias").toFloatArray());
            assertArrayEquals(a.stateDict().get("dense.kernel").toFloatArray(), b.stateDict().get("dense.kernel").toFloatArray());
            Map<String, Tensor> wrong = new LinkedHashMap<>(a.stateDict());
            wrong.put("dense_1.kernel", Tensor.zeros(DType.F32, 5, 2));
            e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(wrong, true));
            assertEquals("loadStateDict: 'dense_1.kernel' has shape [5, 2] in the state dict but [4, 2] in the model", e.getMessage());
        }
    }

    @Test
    void aGptHasNamedParametersAndAStateDictToo() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Gpt a = new Gpt(new GptConfig(13, 12, 2, 2, 16, false), 3).build(), b = new Gpt(new GptConfig(13, 12, 2, 2, 16, false), 4).build();
            Map<String, Var> named = a.namedParameters();
            assertEquals(a.params().size(), named.size());
            assertEquals(a.params(), List.copyOf(named.values()));
            b.loadStateDict(a.stateDict(), true);
            for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), b.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
            }
        }
    }

    @Test
    void aFrozenLayerKeepsItsWeightsWhileTheRestTrains() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Dense first = new Dense(4, "relu");
            first.trainable(false);   // before build: applies when the weights are made
            Sequential m = new Sequential(1).add(first).add(new Dense(1, "linear")).build(3);
            Tensor kernelBefore = first.params().get(0).value().copy();
            Tensor headBefore = m.params().get(2).value().copy();
            Tensor x = Tensor.uniform(new Rng(2), -1, 1, DType.F32, 8, 3);
            Sgd sgd = new Sgd(0.1);
            F.mse(m.forward(Var.of(x), true), Var.of(Tensor.ones(DType.F32, 8, 1))).backward();
            sgd.step(m.params());
            assertNull(first.params().get(0).grad());
            assertArrayEquals(kernelBefore.toFloatArray(), first.params().get(0).value().toFloatArray());
            assertFalse(headBefore.allClose(m.params().get(2).value()));
            first.trainable(true);
            assertTrue(first.params().get(0).requiresGrad());
        }
    }

    @Test
    void forwardHooksSeeAndReplaceActivationsUntilRemoved() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = mlp(1);
            Layer hidden = m.layers().get(0);
            List<long[]> seen = new ArrayList<>();
            ForwardHooks.Handle post = hidden.registerForwardHook((layer, in, out) -> {
                seen.add(out.shape());
                return F.mul(out, 0.0);   // zero the hidden activations: the softmax becomes uniform
            });
            ForwardHooks.Handle pre = hidden.registerForwardPreHook((layer, in) -> {
                seen.add(in.shape());
                return null;
            });
            Tensor x = Tensor.uniform(new Rng(5), -1, 1, DType.F32, 5, 3);
            Tensor hooked = m.forward(Var.of(x), false).value();
            assertEquals(2, seen.size());
            assertArrayEquals(new long[] {5, 3}, seen.get(0));
            assertArrayEquals(new long[] {5, 4}, seen.get(1));
            float[] b = m.layers().get(1).params().get(1).value().toFloatArray();   // zero input: the logits are the bias
            double e0 = Math.exp(b[0]), e1 = Math.exp(b[1]);
            for (int row = 0; row < 5; row++) {
                assertEquals(e0 / (e0 + e1), hooked.getDouble(row, 0), 1e-6);
                assertEquals(e1 / (e0 + e1), hooked.getDouble(row, 1), 1e-6);
            }
            post.remove();
            pre.close();
            assertFalse(hidden.hasForwardHooks());
            assertFalse(m.forward(Var.of(x), false).value().allClose(hooked));
            assertEquals(2, seen.size());
        }
    }

    @Test
    void aModelMovesToTheCpuAndRefusesCudaInOneLine() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = mlp(1);
            assertTrue(m.to(dev.panamax.tensors.Device.CPU) == m);
            assertEquals(dev.panamax.tensors.Device.CPU, m.device());
            Tensor before = m.params().get(0).value();
            assertTrue(m.params().get(0).value() == before, "moving to the device it is on changes nothing");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.to(dev.panamax.tensors.Device.of("cuda")));
            assertTrue(e.getMessage().startsWith("Device.cuda(0): no CUDA device/library"), e.getMessage());
        }
    }

    @Test
    void theTrainerFitsAroundAFrozenLayer() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(3).add(new Dense(8, "relu")).add(new Dense(1, "linear")).build(2);
            m.layers().get(0).trainable(false);
            Tensor frozenBefore = m.params().get(0).value().copy(), headBefore = m.params().get(2).value().copy();
            Tensor x = Tensor.uniform(new Rng(4), -1, 1, DType.F32, 64, 2);
            Tensor y = x.sum(new int[] {1}, true);
            new dev.panamax.nn.train.Trainer(m, new dev.panamax.nn.optim.Adam(0.01), dev.panamax.nn.loss.Loss.byName("mse", false))
                    .fit(x, y, dev.panamax.nn.train.FitOptions.builder().epochs(2).batchSize(16).build());
            assertArrayEquals(frozenBefore.toFloatArray(), m.params().get(0).value().toFloatArray());
            assertFalse(headBefore.allClose(m.params().get(2).value()));
        }
    }
}
