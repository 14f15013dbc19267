package dev.panamax.apps.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * An image as a one-channel model reads it (the MNIST CNN): converted to grey, scaled bilinearly to the model's height
 * and width, divided by 255. The one place `panamax predict` and the server's image bodies share.
 */
public final class GreyPixels {
    private GreyPixels() {}

    /** {@code h · w} values in [0, 1], row by row. */
    public static float[] of(BufferedImage src, int h, int w) {
        BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        float[] px = new float[h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) px[y * w + x] = grey.getRaster().getSample(x, y, 0) / 255f;
        return px;
    }
}
