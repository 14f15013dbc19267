package dev.panamax.autodiff;

import dev.panamax.autodiff.functional.F;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine's contract: accumulation, reuse, modes, hooks, custom functions and the errors for misuse. */
class AutogradTest {
    @Test
    void aValueUsedTwiceAndRepeatedBackwardAccumulate() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.param(Tensor.of(new double[] {1, 2, 3}, 3));
            Var y = F.sum(F.add(F.mul(x, x), x));          // Σ x² + x: dy/dx = 2x + 1
            y.backward();
            assertArrayEquals(new double[] {3, 5, 7}, x.grad().toDoubleArray());
            F.sum(F.mul(x, 2.0)).backward();               // accumulates: + 2
            assertArrayEquals(new double[] {5, 7, 9}, x.grad().toDoubleArray());
            x.zeroGrad();
            assertArrayEquals(new double[] {0, 0, 0}, x.grad().toDoubleArray());
        }
    }

    @Test
    void gradientOfALeafOutlivesTheStepScope() {
        try (MemoryScope model = MemoryScope.open("model")) {
            Var w = Var.param(Tensor.ones(DType.F32, 2, 2));
            for (int step = 0; step < 3; step++) {
                try (MemoryScope st = MemoryScope.open("step")) {
                    F.sum(F.mul(w, 3.0)).backward();
                }
            }
            assertArrayEquals(new float[] {9, 9, 9, 9}, w.grad().toFloatArray());
            assertEquals(model, w.grad().owner());
        }
    }

    @Test
    void noGradDetachAndConstantsRecordNothing() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.param(Tensor.of(new double[] {1, 2}, 2));
            Var y;
            try (GradMode.Switch off = GradMode.noGrad()) {
                y = F.mul(x, x);
            }
            assertFalse(y.requiresGrad());
            assertFalse(F.mul(x.detach(), 2.0).requiresGrad());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> F.sum(y).backward());
            assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        }
    }

    @Test
    void misuseGivesClearErrors() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.param(Tensor.of(new double[] {1, 2}, 2));
            Var y = F.mul(x, x);
            IllegalArgumentException nonScalar = assertThrows(IllegalArgumentException.class, y::backward);
            assertTrue(nonScalar.getMessage().contains("scalar"), nonScalar.getMessage());
            Var z = F.sum(F.exp(x));
            z.backward();
            IllegalStateException twice = assertThrows(IllegalStateException.class, z::backward);
            assertTrue(twice.getMessage().contains("retainGraph"), twice.getMessage());
            Var r = F.sum(F.exp(x));
            r.backward(Tensor.ones(DType.F64), true);
            r.backward(Tensor.ones(DType.F64), true);  // allowed: the graph was retained
            assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(DType.F64, 3)));
            assertThrows(IllegalArgumentException.class, () -> Var.param(Tensor.zeros(DType.I32, 2)));
        }
    }

    @Test
    void aVariableFromAClosedScopeIsAClearError() {
        Var stale;
        try (MemoryScope step = MemoryScope.open("step-1")) {
            stale = Var.param(Tensor.ones(DType.F32, 2));
        }
        try (MemoryScope s = MemoryScope.open("step-2")) {
            Var fresh = Var.param(Tensor.ones(DType.F32, 2));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> F.add(fresh, stale));
            assertTrue(e.getMessage().contains("add") && e.getMessage().contains("step-1") && e.getMessage().contains("keep"),
                    e.getMessage());
        }
    }

    @Test
    void hooksSeeAndMayReplaceGradients() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.param(Tensor.of(new double[] {1, -2}, 2));
            AtomicInteger calls = new AtomicInteger();
            x.registerHook(g -> {
                calls.incrementAndGet();
                return g.clamp(-1, 1);  // gradient clipping by value
            });
            Var h = F.mul(x, 5.0);
            h.registerHook(g -> g.mul(2));  // a non-leaf hook doubles what flows back through h
            F.sum(h).backward();
            assertEquals(1, calls.get());
            assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleArray());  // 10 clipped to 1
        }
    }

    /** A user-defined op: y = x³, with its own backward; saved tensors changed in place are refused. */
    static final class Cube extends Function {
        @Override
        protected Tensor[] forward(Ctx ctx, Tensor... in) {
            ctx.save(in[0]);
            return new Tensor[] {in[0].pow(3)};
        }

        @Override
        protected Tensor[] backward(Ctx ctx, Tensor... g) {
            try (Tensor x2 = ctx.saved(0).square(); Tensor d = x2.mul(3)) {
                return new Tensor[] {g[0].mul(d)};
            }
        }
    }

    @Test
    void customFunctionsAndInPlaceModificationDetection() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor data = Tensor.of(new double[] {1, 2}, 2);
            Var x = Var.param(data);
            F.sum(new Cube().apply1(x)).backward();
            assertArrayEquals(new double[] {3, 12}, x.grad().toDoubleArray());
            Var y = F.sum(new Cube().apply1(x));
            data.set(5, 0);  // in-place change after the forward pass
            IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
            assertTrue(e.getMessage().contains("Cube") && e.getMessage().contains("a tensor needed for gradient computation was modified by an in-place operation: saved tensor 0 F64[2]"), e.getMessage());
        }
    }

    @Test
    void valueAndGradAndAnomalyMode() {
        try (MemoryScope s = MemoryScope.open("t")) {
            F.ValueAndGrad vg = F.valueAndGrad(v -> F.sum(F.mul(v[0], v[1])),
                    Tensor.of(new double[] {1, 2}, 2), Tensor.of(new double[] {3, 4}, 2));
            assertEquals(11, vg.value().item());
            assertArrayEquals(new double[] {3, 4}, vg.grads()[0].toDoubleArray());
            assertArrayEquals(new double[] {1, 2}, vg.grads()[1].toDoubleArray());
            Var x = Var.param(Tensor.of(new double[] {0, 1}, 2));
            Var bad = F.sum(F.sqrt(x));  // d sqrt(x)/dx at 0 is infinite
            try (GradMode.Switch on = GradMode.detectAnomaly()) {
                ArithmeticException e = assertThrows(ArithmeticException.class, bad::backward);
                assertTrue(e.getMessage().contains("Sqrt"), e.getMessage());
            }
            assertNull(Var.param(Tensor.zeros(DType.F64, 1)).grad());
        }
    }
}
