package dev.panamax.apps.gan;

import dev.panamax.nn.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** A PNG of generated digits: a square grid of 28 × 28 images in [-1, 1], white on black, each pixel drawn 2 × 2. */
public final class DigitGrid {
    private DigitGrid() {}

    private static final int SCALE = 2, GAP = 2;

    /** Writes {@code images} (flat (S, 28, 28, 1) in [-1, 1]) as a grid {@code columns} wide, atomically. */
    public static void write(Path png, float[] images, int columns) throws IOException {
        int side = Dcgan.SIDE, pixels = side * side, n = images.length / pixels, rows = (n + columns - 1) / columns;
        int cell = side * SCALE + GAP;
        BufferedImage img = new BufferedImage(columns * cell + GAP, rows * cell + GAP, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, 0x505050);  // grey gaps between the black digit cells
        }
        for (int k = 0; k < n; k++) {
            int x0 = GAP + (k % columns) * cell, y0 = GAP + (k / columns) * cell;
            for (int y = 0; y < side * SCALE; y++) {
                for (int x = 0; x < side * SCALE; x++) {
                    float v = images[k * pixels + (y / SCALE) * side + x / SCALE];
                    int grey = Math.round(Math.clamp((v + 1) / 2, 0f, 1f) * 255);
                    img.setRGB(x0 + x, y0 + y, grey << 16 | grey << 8 | grey);
                }
            }
        }
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this Java runtime");
        });
    }
}
