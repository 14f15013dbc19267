package dev.panamax.autodiff;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.testing.Npz;
import dev.panamax.autodiff.testing.OpInfo;
import dev.panamax.autodiff.testing.OpInfos;
import dev.panamax.kernels.OptimizerUpdate;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * Panamax against PyTorch 1.13, tensor by tensor: every op's output and input gradients on the inputs the
 * fixture script drew, and one Adam training step of an MLP and of a small CNN. The fixtures come from
 * {@code src/test/python/make_fixtures.py} and are committed, so this test needs no Python.
 */
class PyTorchFixturesTest {
    static Map<String, Tensor> load(String file) throws IOException {
        try (InputStream in = PyTorchFixturesTest.class.getResourceAsStream("/fixtures/" + file)) {
            assertNotNull(in, "missing fixture " + file + "; run autodiff/src/test/python/make_fixtures.py");
            return Npz.read(in);
        }
    }

    static Stream<OpInfo> opsWithFixtures() {
        return OpInfos.all().stream().filter(op -> PyTorchFixturesTest.class.getResource("/fixtures/" + file(op.name())) != null);
    }

    static String file(String name) {
        return "op_" + name.replace(" ", "_").replace(",", "").replace("/", "_") + ".npz";
    }

    static void assertClose(String what, Tensor want, Tensor got, double tol) {
        assertTrue(java.util.Arrays.equals(want.shape(), got.shape()),
                what + ": shape " + java.util.Arrays.toString(got.shape()) + " vs PyTorch " + java.util.Arrays.toString(want.shape()));
        assertTrue(got.allClose(want, tol, tol), what + ": Panamax " + got + "\nPyTorch " + want);
    }

    /** Every OpInfo has PyTorch reference values, except dropout, whose random mask PyTorch cannot reproduce. */
    @Test
    void everyOpButDropoutHasAFixture() {
        List<String> missing = OpInfos.all().stream().map(OpInfo::name)
                .filter(n -> PyTorchFixturesTest.class.getResource("/fixtures/" + file(n)) == null)
                .filter(n -> !n.startsWith("dropout")).toList();
        assertTrue(missing.isEmpty(), "ops without a PyTorch fixture: " + missing);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("opsWithFixtures")
    void opMatchesPyTorch(OpInfo op) throws IOException {
        try (MemoryScope s = MemoryScope.open(op.name())) {
            Map<String, Tensor> fx = load(file(op.name()));
            int n = 0;
            while (fx.containsKey("x" + n)) n++;
            Var[] in = new Var[n];
            for (int i = 0; i < n; i++) in[i] = Var.param(fx.get("x" + i));
            Var y = op.fn().apply(in);
            assertClose(op.name() + " output", fx.get("y"), y.value(), 1e-9);
            y.backward(fx.get("w"));
            for (int i = 0; i < n; i++) assertClose(op.name() + " gradient " + i, fx.get("g" + i), in[i].grad(), 1e-9);
        }
    }

    /**
     * Gradients against PyTorch's, then one Adam step (lr 1e-3, eps 1e-7, step 1) from PyTorch's gradients, so the
     * optimizer is compared on identical inputs: Adam's first step is about lr·sign(g), which turns 1e-9
     * differences in near-zero gradients into 1e-3 differences in the weights.
     */
    static void adamAndCompare(Map<String, Tensor> fx, Map<String, Var> params) {
        for (var e : params.entrySet()) {
            Tensor p = e.getValue().value();
            assertClose("gradient of " + e.getKey(), fx.get("grad_" + e.getKey()), e.getValue().grad(), 2e-5);
            Tensor g = fx.get("grad_" + e.getKey());
            Tensor m = Tensor.zeros(p.dtype(), p.shape()), v = Tensor.zeros(p.dtype(), p.shape());
            OptimizerUpdate.adam(p.segment(), g.segment(), m.segment(), v.segment(), 0, p.numel(), 1e-3f, 0.9f, 0.999f, 1e-7f, 1, 0f, 0f);
            assertClose("after Adam: " + e.getKey(), fx.get("after_" + e.getKey()), p, 1e-6);
        }
    }

    @Test
    void mlpTrainingStepMatchesPyTorch() throws IOException {
        try (MemoryScope s = MemoryScope.open("mlp")) {
            Map<String, Tensor> fx = load("net_mlp.npz");
            Map<String, Var> p = new java.util.LinkedHashMap<>();
            for (String k : List.of("w1", "b1", "w2", "b2")) p.put(k, Var.param(fx.get(k).copy()));
            Var h = F.relu(F.add(F.matmul(Var.of(fx.get("x")), p.get("w1")), p.get("b1")));
            Var loss = F.crossEntropyFromLogits(F.add(F.matmul(h, p.get("w2")), p.get("b2")), fx.get("labels"));
            assertClose("loss", fx.get("loss").to(dev.panamax.tensors.DType.F32), loss.value(), 1e-5);
            loss.backward();
            adamAndCompare(fx, p);
        }
    }

    @Test
    void cnnTrainingStepMatchesPyTorch() throws IOException {
        try (MemoryScope s = MemoryScope.open("cnn")) {
            Map<String, Tensor> fx = load("net_cnn.npz");
            Map<String, Var> p = new java.util.LinkedHashMap<>();
            for (String k : List.of("k", "kb", "w", "b")) p.put(k, Var.param(fx.get(k).copy()));
            Var conv = F.conv2d(Var.of(fx.get("x")), p.get("k"), new int[] {1, 1}, new int[] {1, 1}, Padding.VALID);
            Var h = F.relu(F.add(conv, p.get("kb")));
            Var pooled = F.maxPool2d(h, new int[] {2, 2}, new int[] {2, 2});
            Var logits = F.add(F.matmul(F.reshape(pooled, 4, 36), p.get("w")), p.get("b"));
            Var loss = F.crossEntropyFromLogits(logits, fx.get("labels"));
            assertClose("loss", fx.get("loss").to(dev.panamax.tensors.DType.F32), loss.value(), 1e-5);
            loss.backward();
            adamAndCompare(fx, p);
        }
    }
}
