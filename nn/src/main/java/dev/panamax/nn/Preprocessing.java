package dev.panamax.nn;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * How raw inputs become what the model was trained on, saved with the model so that whoever loads it need not
 * know: integer inputs (raw pixels) are converted to F32 and mapped to {@code x · scale + offset}, and inputs whose
 * examples hold the model's element count in another shape (MNIST's {@code (N, 28, 28)} for a model of
 * {@code (28, 28, 1)}) are laid out as {@code (N, model input shape)}, which is {@code layout} (channels last).
 * Floating-point inputs are taken as already scaled (the training data, images already divided by 255), so
 * applying it twice is harmless. {@code Predictor.predict} and {@code evaluate} apply the model's.
 *
 * @param scale the factor for integer inputs (1/255 for 8-bit pixels)
 * @param offset added after scaling
 * @param layout the layout the model expects, for people and configs ("NHWC", or "" when unspecified)
 */
public record Preprocessing(double scale, double offset, String layout) {
    /** Nothing to do: inputs are used as given. */
    public static final Preprocessing NONE = new Preprocessing(1, 0, "");

    /**
     * Checks the settings.
     *
     * @param scale the factor for integer inputs
     * @param offset added after scaling
     * @param layout the expected layout
     */
    public Preprocessing {
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("Preprocessing: scale and offset must be finite, got " + scale + ", " + offset);
        }
        layout = layout == null ? "" : layout;
    }

    /**
     * 8-bit pixels divided by 255, channels last: what the MNIST models train on.
     *
     * @return the preprocessing
     */
    public static Preprocessing pixels() {
        return new Preprocessing(1.0 / 255, 0, "NHWC");
    }

    /**
     * {@code x} as the model takes it; see the class comment.
     *
     * @param x a batch of raw or prepared inputs
     * @param inputShape the model's input shape without the batch dimension
     * @return a new tensor or view (the caller closes it; closing it leaves {@code x} open)
     * @throws IllegalArgumentException when an example's element count differs from the model's, naming both shapes
     */
    public Tensor apply(Tensor x, long[] inputShape) {
        Tensor shaped = laidOut(x, inputShape);
        if (x.dtype().isFloating()) return shaped;
        try (shaped) {
            Tensor f = shaped.to(DType.F32).mulInPlace(scale);  // the cast is a copy: one tensor, scaled where it lies
            if (offset == 0) return f;
            try (f) {
                return f.add(offset);
            }
        }
    }

    /**
     * {@code x} laid out as {@code (batch, inputShape)}, its values untouched (raw inputs stay raw): what to check and
     * slice before {@link #apply} converts one batch at a time, so that a whole data set never exists as floats.
     *
     * @param x inputs, raw or prepared
     * @param inputShape the model's input shape without the batch dimension
     * @return a view the caller closes
     * @throws IllegalArgumentException when an example's element count differs from the model's, naming both shapes
     */
    public Tensor laidOut(Tensor x, long[] inputShape) {
        long per = 1;
        for (long d : inputShape) per *= d;
        long[] target = new long[inputShape.length + 1];
        target[0] = x.dim(0);
        System.arraycopy(inputShape, 0, target, 1, inputShape.length);
        if (x.numel() != x.dim(0) * per) {
            throw new IllegalArgumentException("preprocessing: inputs of shape " + Arrays.toString(x.shape()) + " do not fit the model's "
                    + "input (batch, " + Arrays.toString(inputShape).replaceAll("[\\[\\]]", "") + ")" + (layout.isEmpty() ? "" : " in " + layout));
        }
        return x.reshape(target);
    }
}
