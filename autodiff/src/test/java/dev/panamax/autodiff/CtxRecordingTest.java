package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import org.junit.jupiter.api.Test;

/**
 * {@link Ctx#recording()} is true exactly when the application goes on the tape (an input requires grad and
 * recording is on), and an unrecorded context keeps nothing it is given to save, since no backward will read it.
 */
class CtxRecordingTest {
    /** Doubles its input; notes what its context said while forward ran. */
    static final class Probe extends Function {
        boolean recording, kept;

        @Override
        protected Tensor[] forward(Ctx ctx, Tensor... in) {
            recording = ctx.recording();
            ctx.save(in[0]);
            kept = ctx.savedCount() == 1;
            return new Tensor[] {in[0].mul(2)};
        }

        @Override
        protected Tensor[] backward(Ctx ctx, Tensor... g) {
            return new Tensor[] {g[0].mul(2)};
        }
    }

    @Test
    void onlyARecordedApplicationKeepsWhatItSaves() {
        try (MemoryScope s = MemoryScope.open("ctx")) {
            Var param = Var.param(Tensor.ones(DType.F32, 3)), constant = Var.of(Tensor.ones(DType.F32, 3));
            Probe recorded = new Probe();
            Var y = recorded.apply1(param);
            assertTrue(recorded.recording && recorded.kept, "a parameter's op, recording on");
            y.backward(Tensor.ones(DType.F32, 3));
            assertEquals(6.0, param.grad().sum().item(), 1e-12, "backward still runs");

            Probe noGrad = new Probe();
            try (GradMode.Switch off = GradMode.noGrad()) {
                noGrad.apply1(param);
            }
            assertFalse(noGrad.recording || noGrad.kept, "under noGrad");

            Probe constantInput = new Probe();
            constantInput.apply1(constant);
            assertFalse(constantInput.recording || constantInput.kept, "no input requires grad");
        }
    }
}
