package dev.panamax.onnx;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Model;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.util.Map;

/** What the export tests share: weights worth comparing, Panamax's own inference output, and distances. */
final class ExportFixtures {
    private ExportFixtures() {}

    /**
     * Moves every weight away from its initial value (biases start at 0, norms at 1, running statistics at 0 and 1,
     * which would hide a wrong order or a missing term): adds N(0, σ²) noise; variances are drawn from [0.5, 1.5].
     */
    static void perturb(Model model, long seed, double sigma) {
        Rng rng = new Rng(seed);
        for (Map.Entry<String, Tensor> e : model.weights().entrySet()) {
            Tensor w = e.getValue();
            if (e.getKey().endsWith("moving_variance")) {
                try (Tensor v = Tensor.uniform(rng, 0.5, 1.5, DType.F32, w.shape())) {
                    w.copyFrom(v);
                }
            } else {
                try (Tensor noise = Tensor.normal(rng, 0, sigma, DType.F32, w.shape()); Tensor moved = w.add(noise)) {
                    w.copyFrom(moved);
                }
            }
        }
    }

    /** The model's inference output for {@code x}, as {@code Predictor} computes it (no gradient recorded). */
    static Tensor forward(Model model, Tensor x) {
        try (GradMode.Switch off = GradMode.noGrad()) {
            return model.forward(Var.of(x), false).value();
        }
    }

    /** {@code max |a − b|} over tensors of equal shape. */
    static double maxAbsDiff(Tensor a, Tensor b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new AssertionError("shapes differ: " + java.util.Arrays.toString(a.shape()) + " and " + java.util.Arrays.toString(b.shape()));
        }
        try (Tensor d = a.sub(b); Tensor m = d.abs(); Tensor worst = m.max()) {
            return worst.item();
        }
    }
}
