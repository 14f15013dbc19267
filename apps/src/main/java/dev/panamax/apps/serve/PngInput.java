package dev.panamax.apps.serve;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
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
        int h = (int) model[0], w = (int) model[1];
        BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        float[] px = new float[h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) px[y * w + x] = grey.getRaster().getSample(x, y, 0) / 255f;
        return new Input(1, px);
    }
}
