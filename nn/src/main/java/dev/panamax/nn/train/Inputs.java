package dev.panamax.nn.train;

import dev.panamax.nn.Model;
import dev.panamax.nn.loss.Loss;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/** The checks on a batch before it reaches a model: errors that name the shapes, not a failure deep in a kernel. */
final class Inputs {
    private Inputs() {}

    static void requireBuilt(String op, Model model) {
        if (model.inputShape() == null) throw new IllegalStateException(op + ": build the model first (model.build(inputShape), or fit it)");
    }

    /**
     * {@code x} must be (batch, model input shape); {@code y}, when given, one target per example and, for a
     * loss on class indices, indices of the model's output classes: one per example, or one per position for a
     * sequence model (outputs (batch, T, classes), labels (batch, T)).
     */
    static void check(String op, Model model, Loss loss, Tensor x, Tensor y) {
        long[] xs = x.shape(), inputShape = model.inputShape();
        if (xs.length != inputShape.length + 1 || !Arrays.equals(Arrays.copyOfRange(xs, 1, xs.length), inputShape)) {
            throw new IllegalArgumentException(op + ": the model takes inputs of shape (batch, " + Arrays.toString(inputShape)
                    .replaceAll("[\\[\\]]", "") + "), got " + Arrays.toString(xs));
        }
        if (y == null) return;
        if (y.dim(0) != xs[0]) throw new IllegalArgumentException(op + ": " + xs[0] + " inputs but " + y.dim(0) + " targets");
        if (loss != null && loss.sparseLabels()) {
            long[] out = model.outputShape();
            // One class index per example (N), or, for a sequence model with outputs (N, T, C), one per position (N, T).
            long[] perPosition = new long[out.length];
            perPosition[0] = xs[0];
            System.arraycopy(out, 0, perPosition, 1, out.length - 1);
            if (y.rank() != 1 && !(out.length > 1 && Arrays.equals(y.shape(), perPosition))) {
                throw new IllegalArgumentException(op + ": labels must be one class index per example: shape (" + xs[0]
                        + (out.length > 1 ? ") or one per position " + Arrays.toString(perPosition).replace('[', '(').replace(']', ')') : ")")
                        + ", got " + Arrays.toString(y.shape()));
            }
            long classes = out[out.length - 1];
            try (Tensor lo = y.min(); Tensor hi = y.max()) {
                if (lo.item() < 0 || hi.item() >= classes) {
                    throw new IllegalArgumentException(op + ": labels must lie in [0, " + classes + "), found values from "
                            + (long) lo.item() + " to " + (long) hi.item());
                }
            }
        }
    }
}
