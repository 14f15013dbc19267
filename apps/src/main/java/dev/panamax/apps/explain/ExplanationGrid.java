package dev.panamax.apps.explain;

import dev.panamax.nn.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG with one row per explained image: the image, its saliency map and its Grad-CAM map laid over it, under a
 * caption with the predicted class and its probability (and the true label when known). Maps are scaled to their
 * own maximum and drawn with a black-red-yellow-white heat scale.
 */
public final class ExplanationGrid {
    /** Screen pixels per image pixel. */
    static final int SCALE = 6;
    private static final int PAD = 8, CAPTION = 18, HEADER = 20;

    private ExplanationGrid() {}

    /**
     * One row.
     *
     * @param pixels      the image, {@code (h, w)} in [0, 1]
     * @param explanation its maps
     * @param label       the true class, or -1 when unknown
     */
    public record Row(float[] pixels, Explanations.Explanation explanation, int label) {}

    /** Writes the grid of {@code rows} (images {@code h × w}) to {@code png}, atomically. */
    public static void write(Path png, List<Row> rows, int h, int w) throws IOException {
        if (rows.isEmpty()) throw new IllegalArgumentException("explain: no images to draw");
        int cell = w * SCALE, cellH = h * SCALE;
        int width = PAD + 3 * (cell + PAD), height = HEADER + rows.size() * (cellH + CAPTION + PAD) + PAD;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        String[] titles = {"input", "saliency |∂score/∂x|", "Grad-CAM"};
        for (int c = 0; c < 3; c++) g.drawString(titles[c], PAD + c * (cell + PAD), 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            int top = HEADER + r * (cellH + CAPTION + PAD);
            Explanations.Explanation e = row.explanation();
            g.setColor(Color.BLACK);
            String caption = String.format(Locale.ROOT, "predicted %d (p = %.3f)%s", e.predicted(), e.probability(),
                    row.label() >= 0 ? ", label " + row.label() : "");
            g.drawString(caption, PAD, top + 13);
            int y = top + CAPTION;
            g.drawImage(scaled(grey(row.pixels(), h, w)), PAD, y, null);
            g.drawImage(scaled(heat(normalised(e.saliency()), null, h, w)), PAD + cell + PAD, y, null);
            g.drawImage(scaled(heat(normalised(e.gradCam()), row.pixels(), h, w)), PAD + 2 * (cell + PAD), y, null);
        }
        g.dispose();
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this Java runtime");
        });
    }

    /** {@code map} divided by its maximum (all zeros stay zeros). */
    static float[] normalised(float[] map) {
        float max = 0;
        for (float v : map) max = Math.max(max, v);
        float[] out = new float[map.length];
        if (max > 0) for (int i = 0; i < map.length; i++) out[i] = map[i] / max;
        return out;
    }

    private static BufferedImage grey(float[] px, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = Math.clamp(Math.round(px[y * w + x] * 255), 0, 255);
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return img;
    }

    /** The heat colour of each value in [0, 1]; over {@code under} (grey, half strength) when given. */
    private static BufferedImage heat(float[] v, float[] under, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < h * w; i++) {
            double t = v[i];
            double r = Math.min(1, 3 * t), gr = Math.clamp(3 * t - 1, 0, 1), b = Math.clamp(3 * t - 2, 0, 1);
            if (under != null) {
                double base = 0.5 * under[i];
                r = Math.max(r, base);
                gr = Math.max(gr, base);
                b = Math.max(b, base);
            }
            img.setRGB(i % w, i / w, (int) (r * 255) << 16 | (int) (gr * 255) << 8 | (int) (b * 255));
        }
        return img;
    }

    private static BufferedImage scaled(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth() * SCALE, src.getHeight() * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(src, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }
}
