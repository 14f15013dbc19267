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
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/** A user's custom op, written as the Function javadoc says: broadcasting gradients, gradcheck, temporaries. */
class CustomOpTest {
    /** Swish with a learnable β per channel: y = x·σ(βx), β of shape (C) broadcast over (N, C). */
    static final class Swish extends Function {
        @Override
        protected Tensor[] forward(Ctx ctx, Tensor... in) {
            Tensor x = in[0], beta = in[1];
            try (Tensor bx = x.mul(beta); Tensor s = bx.sigmoid()) {
                ctx.save(x, beta, s);
                return new Tensor[] {x.mul(s)};
            }
        }

        @Override
        protected Tensor[] backward(Ctx ctx, Tensor... g) {
            Tensor x = ctx.saved(0), s = ctx.saved(2);
            // dy/dx = s + βx·s(1 - s); dy/dβ = x²·s(1 - s)
            try (Tensor oneMinus = s.neg().add(1); Tensor ds = s.mul(oneMinus); Tensor xds = x.mul(ds)) {
                Tensor dx = null, dbeta = null;
                if (ctx.needsInputGrad(0)) {
                    try (Tensor bxds = xds.mul(ctx.saved(1)); Tensor d = bxds.add(s)) {
                        dx = g[0].mul(d);
                    }
                }
                if (ctx.needsInputGrad(1)) {
                    try (Tensor x2ds = xds.mul(x); Tensor full = g[0].mul(x2ds)) {
                        dbeta = F.sumTo(full, ctx.inputShape(1));   // (N, C) -> (C)
                    }
                }
                return new Tensor[] {dx, dbeta};
            }
        }
    }

    /** The same op, but forward's temporary σ(βx) is never closed. */
    static final class LeakySwish extends Function {
        /** What forward left open, so that the test can free it after showing the leak. */
        final java.util.List<Tensor> leftOpen = new java.util.ArrayList<>();

        @Override
        protected Tensor[] forward(Ctx ctx, Tensor... in) {
            Tensor bx = in[0].mul(in[1]), s = bx.sigmoid();   // two temporaries left open
            leftOpen.add(bx);
            leftOpen.add(s);
            return new Tensor[] {in[0].mul(s)};
        }

        @Override
        protected Tensor[] backward(Ctx ctx, Tensor... g) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void swishPassesGradCheckWithALambdaOfVars() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Rng rng = new Rng(3);
            Tensor x = Tensor.uniform(rng, -2, 2, DType.F64, 4, 3), beta = Tensor.uniform(rng, 0.5, 1.5, DType.F64, 3);
            GradCheck.check(v -> new Swish().apply1(v[0], v[1]), x, beta);
        }
    }

    @Test
    void gradCheckCatchesAWrongBroadcastGradient() {
        class WrongSwish extends Function {
            @Override
            protected Tensor[] forward(Ctx ctx, Tensor... in) {
                ctx.save(in[0], in[1]);
                return new Tensor[] {in[0].mul(in[1])};
            }

            @Override
            protected Tensor[] backward(Ctx ctx, Tensor... g) {
                try (Tensor full = g[0].mul(ctx.saved(0)); Tensor first = full.select(0, 0)) {
                    return new Tensor[] {g[0].mul(ctx.saved(1)), first.contiguous()};  // one row, not the sum
                }
            }
        }
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.uniform(new Rng(4), -1, 1, DType.F64, 3, 2), b = Tensor.of(new double[] {1, 2}, 2);
            assertThrows(AssertionError.class, () -> GradCheck.check(v -> new WrongSwish().apply1(v[0], v[1]), x, b));
        }
    }

    @Test
    void sumToUndoesBroadcasting() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor g = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 3);
            assertArrayEquals(new double[] {22, 26, 30}, F.sumTo(g, 3).toDoubleArray());
            assertArrayEquals(new long[] {2, 1, 1}, F.sumTo(g, 2, 1, 1).shape());
            assertArrayEquals(new double[] {21, 57}, F.sumTo(g, 2, 1, 1).toDoubleArray());
            Var v = Var.param(g);
            F.sum(F.mul(F.sumTo(v, 1, 3), 2.0)).backward();   // every element reaches the sum once: gradient 2
            assertArrayEquals(new double[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, v.grad().toDoubleArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.sumTo(Tensor.zeros(DType.F64, 3), 2, 3));
            assertEquals("sumTo: a gradient of shape [3] cannot be summed to the larger rank of [2, 3]", e.getMessage());
        }
    }

    @Test
    void theDocumentedPatternFreesTemporariesEvenWithNoScopeOpen() {
        Memory.Snapshot before = Memory.snapshot();
        try (Tensor x = Tensor.ones(DType.F32, 2, 3); Tensor beta = Tensor.ones(DType.F32, 3)) {
            new Swish().apply1(Var.of(x), Var.of(beta)).value().close();
        }
        Memory.checkNoLeaksSince(before);
    }

    @Test
    void aTemporaryLeftOpenWithNoScopeIsALeakTheCheckNames() {
        Memory.Snapshot before = Memory.snapshot();
        LeakySwish leaky = new LeakySwish();
        try (Tensor x = Tensor.ones(DType.F32, 2, 3); Tensor beta = Tensor.ones(DType.F32, 3)) {
            leaky.apply1(Var.of(x), Var.of(beta)).value().close();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Memory.checkNoLeaksSince(before));
        assertTrue(e.getMessage().contains("2 new tensor storage(s) not released"), e.getMessage());
        leaky.leftOpen.forEach(Tensor::close);
        // Inside a scope the same op's temporaries die with the scope: no leak.
        Memory.Snapshot again = Memory.snapshot();
        try (MemoryScope s = MemoryScope.open("step")) {
            Tensor x = Tensor.ones(DType.F32, 2, 3), beta = Tensor.ones(DType.F32, 3);
            new LeakySwish().apply1(Var.of(x), Var.of(beta));
        }
        Memory.checkNoLeaksSince(again);
    }
}
