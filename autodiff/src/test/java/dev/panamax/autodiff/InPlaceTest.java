package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.testing.GradCheck;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/** In-place ops on Var: recorded gradients, shared storage, version checks and the errors PyTorch users expect. */
class InPlaceTest {
    @Test
    void inPlaceOpsWriteTheSameTensorAndBackpropagate() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.param(Tensor.of(new double[] {-2, 0.5, 3}, 3)), b = Var.param(Tensor.of(new double[] {1}, 1));
            Var h = F.mul(x, 2.0);                 // (-4, 1, 6)
            Var y = h.addInPlace(b);               // (-3, 2, 7)
            assertSame(h.value(), y.value());
            assertEquals(1, h.version());
            y = y.mulInPlace(0.5).clampInPlace(-1, 3);   // (-1.5, 1, 3.5) -> (-1, 1, 3)
            assertArrayEquals(new double[] {-1, 1, 3}, y.value().toDoubleArray());
            F.sum(y).backward();
            // d/dx = 2·0.5 where the clamp let the value through (only the middle one), d/db = 0.5 · 1 (one element inside)
            assertArrayEquals(new double[] {0, 1, 0}, x.grad().toDoubleArray());
            assertArrayEquals(new double[] {0.5}, b.grad().toDoubleArray());
        }
    }

    @Test
    void inPlaceOpsPassGradCheck() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Rng rng = new Rng(7);
            Tensor x = Tensor.uniform(rng, -1, 1, DType.F64, 2, 3), y = Tensor.uniform(rng, 0.5, 1.5, DType.F64, 3);
            GradCheck.check(v -> F.mul(v[0], 2.0).mulInPlace(v[1]).addInPlace(v[1]).mulInPlace(3.0).addInPlace(-1.0), x, y);
            GradCheck.check(v -> F.mul(v[0], 1.0).clampInPlace(-0.5, 0.5), x);
        }
    }

    @Test
    void backwardThroughATensorChangedAfterItWasSavedFailsWithTheVersions() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var x = Var.param(Tensor.of(new double[] {1, 2, 3}, 3));
            Var h = F.exp(x);                  // Exp saves its output h
            Var loss = F.sum(F.tanh(h));       // Tanh saves h too
            h.addInPlace(1.0);                 // h changes after being saved
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
            assertEquals("Tanh: a tensor needed for gradient computation was modified by an in-place operation: saved tensor 0 "
                    + "F64[3] saved at version 0, now 1; modify a copy (F.mul(x, 1.0) or value().copy()) instead, or do the "
                    + "in-place op before this one uses the tensor", e.getMessage());
        }
    }

    @Test
    void aParameterCannotBeChangedInPlaceWhileRecordingButCanUnderNoGrad() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Var w = Var.param(Tensor.of(new double[] {1, 2}, 2));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.mulInPlace(2.0));
            assertEquals("mulInPlace: a parameter (a leaf that requires grad) cannot be changed in place while gradients are "
                    + "recorded; do it under GradMode.noGrad() (as optimizers do) or on a copy", e.getMessage());
            try (GradMode.Switch off = GradMode.noGrad()) {
                w.mulInPlace(2.0);
            }
            assertArrayEquals(new double[] {2, 4}, w.value().toDoubleArray());
            assertThrows(IllegalArgumentException.class, () -> F.mul(w, 1.0).clampInPlace(1, 0));
        }
    }
}
