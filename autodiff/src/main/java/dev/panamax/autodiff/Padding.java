package dev.panamax.autodiff;

import dev.panamax.kernels.spec.Conv2dShape;

/** How a convolution or pooling window treats the image's border (Keras' names). */
public enum Padding {
    /** No padding: windows stay inside the image, so the output is smaller ({@code (H - KH) / s + 1}). */
    VALID,
    /** Zero padding split evenly, more after than before when odd, so the output is {@code ceil(H / s)}. */
    SAME;

    /**
     * The padding a Keras-style name stands for.
     *
     * @param name {@code "valid"} or {@code "same"}, in any case
     * @return the padding
     * @throws IllegalArgumentException for any other name, naming the two allowed
     */
    public static Padding of(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "valid" -> VALID;
            case "same" -> SAME;
            default -> throw new IllegalArgumentException("padding must be 'valid' or 'same', got '" + name + "'");
        };
    }

    /**
     * The same mode in the convolution geometry the {@code Backend} takes (the one place the two are mapped).
     *
     * @return {@link Conv2dShape.Padding#VALID} or {@link Conv2dShape.Padding#SAME}
     */
    public Conv2dShape.Padding geometry() {
        return this == VALID ? Conv2dShape.Padding.VALID : Conv2dShape.Padding.SAME;
    }
}
