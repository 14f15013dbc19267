package dev.panamax.apps.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An image as a one-channel model reads it (the MNIST CNN): converted to grey, scaled bilinearly to the model's height
 * and width, divided by 255. The one place `panamax predict` and the server's image bodies share.
 */
public final class GreyPixels {
    private GreyPixels() {}

    /** The most pixels an image file may have: 2^26 (a 256 MB raster at 4 bytes a pixel); its header is checked first. */
    public static final long MAX_PIXELS = 1L << 26;

    /**
     * The image in {@code file} (PNG, JPEG, GIF, BMP) as {@link #of} gives it. A file that is not an image, a damaged
     * or truncated one, or one whose header claims more than {@link #MAX_PIXELS} pixels gives an {@link IOException}
     * with a one-line message naming the file.
     */
    public static float[] read(Path file, int h, int w) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return of(decode(in, file.toString()), h, w);
        } catch (IOException e) {
            throw named(file.toString(), e);  // opening the file failed
        }
    }

    /**
     * The image in {@code bytes} (a request body, say) as {@link #of} gives it, refused as {@link #read(Path, int, int)}
     * refuses a file, the message naming {@code name}; decoded in memory (no cache file).
     */
    public static float[] read(byte[] bytes, String name, int h, int w) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return of(decode(in, name), h, w);
        } catch (IOException e) {
            throw named(name, e);
        }
    }

    private static BufferedImage decode(ImageInputStream in, String name) throws IOException {
        try {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new IOException(name + ": not an image format Java can read (PNG, JPEG, GIF, BMP)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // Checked before decoding: the header alone can ask for a raster far larger than memory.
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new IOException(String.format(Locale.ROOT, "%s: an image of %d x %d pixels, more than the %,d this reads; scale it down first",
                            name, reader.getWidth(0), reader.getHeight(0), MAX_PIXELS));
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw named(name, e);
        } catch (RuntimeException e) {
            throw damaged(name, e);
        }
    }

    /** {@code e} if its message names the image already, else {@link #damaged}. */
    private static IOException named(String name, IOException e) {
        return e.getMessage() != null && e.getMessage().startsWith(name) ? e : damaged(name, e);
    }

    /** ImageIO's own words ("Error skipping PNG metadata") do not say that the file is damaged; this does, on one line. */
    private static IOException damaged(String name, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ").trim();
        return new IOException(name + ": a damaged or truncated image (" + why + ")", e);
    }

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
