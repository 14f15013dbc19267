package dev.panamax.apps.serve;

import dev.panamax.apps.image.GreyPixels;
import java.io.IOException;

/**
 * An image body (PNG; JPEG, GIF and BMP decode too) as one instance of a one-channel image model: converted to
 * grey, scaled to the model's height and width as {@code panamax predict} does, and divided by 255 (MNIST digits
 * are white on black).
 */
final class PngInput {
    private PngInput() {}

    /** The one instance in {@code body} for a model whose input is {@code (height, width, 1)}. */
    static Input read(byte[] body, long[] model) {
        if (model.length != 3 || model[2] != 1) {
            throw new ApiError(415, "this model does not take images (its input is " + java.util.Arrays.toString(model) + ", not (height, width, 1))");
        }
        float[] px;
        try {
            // The header's size is checked before a raster is made: a 60-byte PNG can claim 40,000 x 40,000 pixels.
            px = GreyPixels.read(body, "the body", (int) model[0], (int) model[1]);
        } catch (IOException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        return new Input(1, px);
    }
}
