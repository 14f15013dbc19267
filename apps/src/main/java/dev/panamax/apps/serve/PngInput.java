package dev.panamax.apps.serve;

import dev.panamax.apps.image.GreyPixels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

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
        BufferedImage src;
        try {
            src = ImageIO.read(new ByteArrayInputStream(body));
        } catch (IOException | RuntimeException e) {
            src = null;
        }
        if (src == null) throw ApiError.badRequest("the body is not a readable image (PNG, JPEG, GIF or BMP)");
        float[] px = GreyPixels.of(src, (int) model[0], (int) model[1]);
        return new Input(1, px);
    }
}
