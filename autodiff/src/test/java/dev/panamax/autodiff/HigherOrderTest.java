package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.testing.GradCheck;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Higher-order gradients (createGraph): second derivatives vs finite differences, a gradient penalty, a Hessian-vector product vs PyTorch. */
class HigherOrderTest {
    private static Tensor u(Rng rng, double lo, double hi, long... shape) {
        return Tensor.uniform(rng, lo, hi, DType.F64, shape);
    }

    @Test
    void secondDerivativesMatchFiniteDifferencesOfTheFirst() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Rng rng = new Rng(11);
            Tensor a = u(rng, -1, 1, 2, 3), b = u(rng, 0.5, 1.5, 3), m = u(rng, -1, 1, 3, 2), p = u(rng, 0.5, 2, 2, 3);
            // MatMul, Tanh, Sum, Mean (through broadcasting Mul by a constant), Reshape and a transpose (Permute)
            GradCheck.checkGradient("matmul tanh", v -> F.mean(F.tanh(F.matmul(v[0], v[1])), new int[] {1}, false),
                    new Tensor[] {a, m}, 1e-6, 1e-6, 1e-4);
            // Add, Sub, Mul, Div with broadcasting (b is (3) against (2, 3)), Exp, Sigmoid, Neg
            GradCheck.checkGradient("broadcast arithmetic", v -> F.div(F.sub(F.mul(F.exp(v[0]), v[1]), F.neg(F.sigmoid(v[0]))),
                    F.add(v[1], F.square(v[0]))), new Tensor[] {a, b}, 1e-6, 1e-6, 1e-4);
            // Pow with both operands variable, Log, Sqrt, Expand, Reshape, Permute
            GradCheck.checkGradient("pow log sqrt", v -> F.transpose(F.reshape(F.add(F.pow(v[0], F.expand(v[1], 2, 3)),
                    F.sqrt(F.log(F.add(v[0], 1.0)))), 3, 2), 0, 1), new Tensor[] {p, b}, 1e-6, 1e-6, 1e-4);
            // ReLU's mask: d²/dx² of relu(x)·x is 2 where x > 0
            GradCheck.checkGradient("relu", v -> F.mul(F.relu(v[0]), v[0]), new Tensor[] {a}, 1e-6, 1e-6, 1e-4);
        }
    }

    @Test
    void aWrongSecondDerivativeIsCaught() {
        class SquareWithFlatGradient extends Function {   // first derivative right, half of it recorded: second derivative x1 not x2
            @Override
            protected Tensor[] forward(Ctx ctx, Tensor... in) {
                ctx.save(in[0]);
                return new Tensor[] {in[0].square()};
            }

            @Override
            protected Tensor[] backward(Ctx ctx, Tensor... g) {
                try (Tensor d = ctx.saved(0).mul(2)) {
                    return new Tensor[] {g[0].mul(d)};
                }
            }

            @Override
            protected Var[] backwardGraph(Ctx ctx, Var[] in, Var[] out, Var[] g) {
                return new Var[] {F.add(F.mul(g[0], in[0]), F.mul(g[0], Var.of(in[0].value())))};
            }
        }
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = u(new Rng(3), 0.5, 1, 3);
            GradCheck.check(v -> new SquareWithFlatGradient().apply1(v[0]), x);   // the first derivative is right
            assertThrows(AssertionError.class, () -> GradCheck.checkGradient("flat", v -> new SquareWithFlatGradient().apply1(v[0]),
                    new Tensor[] {x}, 1e-6, 1e-6, 1e-4));
        }
    }

    @Test
    void anOpWithoutADifferentiableBackwardFailsNamingItButPlainGradWorks() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.param(u(new Rng(5), -1, 1, 2, 3));
            Var y = F.sum(F.mul(F.softmax(x, 1), F.tanh(x)));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Gradients.grad(y, new Var[] {x}, true));
            assertEquals("Softmax has no differentiable backward (Function.backwardGraph), so gradients through it cannot be "
                    + "differentiated again (createGraph); compose it from ops that have one", e.getMessage());
            Var[] g = Gradients.grad(y, new Var[] {x}, false);
            y.backward();
            assertArrayEquals(x.grad().toDoubleArray(), g[0].value().toDoubleArray(), 1e-12);
            assertTrue(!g[0].requiresGrad());
        }
    }

    @Test
    void backwardWithCreateGraphLeavesADifferentiableGradient() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.param(Tensor.of(new double[] {1, 2, 3}, 3));
            F.sum(F.pow(x, 3.0)).backward(null, false, true);       // d/dx x³ = 3x²
            assertArrayEquals(new double[] {3, 12, 27}, x.grad().toDoubleArray(), 1e-12);
            Var[] second = Gradients.grad(F.sum(x.gradVar()), new Var[] {x}, false);   // d/dx Σ 3x² = 6x
            assertArrayEquals(new double[] {6, 12, 18}, second[0].value().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void hessianVectorProductAndGradientPenaltyMatchPyTorch() throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Map<String, Tensor> fx = PyTorchFixturesTest.load("hvp.npz");
            Var x = Var.param(fx.get("x")), w = Var.param(fx.get("w"));
            Var f = F.add(F.mul(F.sum(F.square(F.tanh(F.matmul(x, w)))), 1.0 / 3),
                    F.mean(F.div(F.mul(F.sigmoid(x), F.exp(F.neg(x))), F.add(F.square(x), 1.0))));
            assertEquals(fx.get("f").item(), f.value().item(), 1e-12);
            Var gx = Gradients.grad(f, new Var[] {x}, true)[0];
            PyTorchFixturesTest.assertClose("grad", fx.get("grad"), gx.value(), 1e-12);
            Var hvp = Gradients.grad(F.sum(F.mul(gx, Var.of(fx.get("v")))), new Var[] {x}, false)[0];
            PyTorchFixturesTest.assertClose("hvp", fx.get("hvp"), hvp.value(), 1e-12);

            // WGAN-GP: penalty = mean((‖∇x D(x)‖₂ - 1)²), D(x) = tanh(x W1 + b1) W2, differentiated w.r.t. x and every weight
            Var xd = Var.param(fx.get("gp_x")), w1 = Var.param(fx.get("gp_w1")), b1 = Var.param(fx.get("gp_b1")), w2 = Var.param(fx.get("gp_w2"));
            Var penalty = gradientPenalty(xd, w1, b1, w2);
            assertEquals(fx.get("gp_penalty").item(), penalty.value().item(), 1e-12);
            penalty.backward();
            PyTorchFixturesTest.assertClose("gp d/dx", fx.get("gp_grad_x"), xd.grad(), 1e-12);
            PyTorchFixturesTest.assertClose("gp d/dW1", fx.get("gp_grad_w1"), w1.grad(), 1e-12);
            PyTorchFixturesTest.assertClose("gp d/db1", fx.get("gp_grad_b1"), b1.grad(), 1e-12);
            PyTorchFixturesTest.assertClose("gp d/dW2", fx.get("gp_grad_w2"), w2.grad(), 1e-12);
        }
    }

    @Test
    void theGradientPenaltyPassesGradCheck() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Rng rng = new Rng(8);
            Tensor x = u(rng, -1, 1, 4, 3), w1 = u(rng, -1, 1, 3, 4), b1 = u(rng, -0.5, 0.5, 4), w2 = u(rng, -1, 1, 4, 1);
            GradCheck.check("gradient penalty", v -> {
                try (GradMode.Switch on = GradMode.enableGrad()) {   // finite differences evaluate with recording off
                    Var xin = v[0].requiresGrad() ? v[0] : Var.param(v[0].value());
                    return gradientPenalty(xin, v[1], v[2], v[3]);
                }
            }, new Tensor[] {x, w1, b1, w2}, 1e-6, 1e-6, 1e-4);
        }
    }

    private static Var gradientPenalty(Var x, Var w1, Var b1, Var w2) {
        Var d = F.matmul(F.tanh(F.add(F.matmul(x, w1), b1)), w2);
        Var g = Gradients.grad(F.sum(d), new Var[] {x}, true)[0];
        Var norm = F.sqrt(F.sum(F.square(g), new int[] {1}, false));
        return F.mean(F.square(F.add(norm, -1.0)));
    }
}
