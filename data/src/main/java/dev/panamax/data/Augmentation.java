package dev.panamax.data;

import dev.panamax.tensors.Rng;

/**
 * Random image augmentation for (H, W, C) images in row-major float arrays: a shift of up to {@code maxShift}
 * pixels in each direction, a rotation of up to {@code maxDegrees} about the centre (bilinear), and a
 * horizontal flip with probability {@code flipProbability}. Pixels that come from outside the image are 0.
 * Draws come from an explicit generator, so a seed reproduces the same augmented epoch.
 *
 * @param maxShift        the largest shift in pixels, in each direction (0 = none)
 * @param maxDegrees      the largest rotation in degrees, either way (0 = none)
 * @param flipProbability the probability of a horizontal flip, in [0, 1]
 */
public record Augmentation(int maxShift, double maxDegrees, double flipProbability) {
    /** No augmentation: images pass through unchanged. */
    public static final Augmentation NONE = new Augmentation(0, 0, 0);

    /**
     * Checks the ranges.
     *
     * @throws IllegalArgumentException when the shift or rotation is negative or the flip probability is outside [0, 1]
     */
    public Augmentation {
        if (maxShift < 0 || maxDegrees < 0 || flipProbability < 0 || flipProbability > 1) {
            throw new IllegalArgumentException("augmentation: shift and rotation must be >= 0 and the flip probability in [0, 1]");
        }
    }

    /** {@return whether this changes nothing (every amount 0), so a loader can skip the copy} */
    public boolean isNone() {
        return maxShift == 0 && maxDegrees == 0 && flipProbability == 0;
    }

    /**
     * Writes the augmented {@code src} into {@code dst} (both h·w·c floats).
     *
     * @param src the image (H, W, C), row-major; not changed
     * @param dst where the augmented image goes, same layout; must not alias {@code src}
     * @param h   the image height H
     * @param w   the image width W
     * @param c   the channel count C
     * @param rng the source of this image's shift, angle and flip
     */
    public void apply(float[] src, float[] dst, int h, int w, int c, Rng rng) {
        double dx = maxShift == 0 ? 0 : rng.nextInt(2 * maxShift + 1) - maxShift;
        double dy = maxShift == 0 ? 0 : rng.nextInt(2 * maxShift + 1) - maxShift;
        double angle = Math.toRadians((rng.nextDouble() * 2 - 1) * maxDegrees);
        boolean flip = rng.nextDouble() < flipProbability;
        double cos = Math.cos(angle), sin = Math.sin(angle), cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Inverse mapping: where in the source does output pixel (y, x) come from?
                double ox = (flip ? w - 1 - x : x) - dx - cx, oy = y - dy - cy;
                double sx = cos * ox + sin * oy + cx, sy = -sin * ox + cos * oy + cy;
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                double fx = sx - x0, fy = sy - y0;
                for (int ch = 0; ch < c; ch++) {
                    double v = (1 - fy) * ((1 - fx) * at(src, h, w, c, y0, x0, ch) + fx * at(src, h, w, c, y0, x0 + 1, ch))
                            + fy * ((1 - fx) * at(src, h, w, c, y0 + 1, x0, ch) + fx * at(src, h, w, c, y0 + 1, x0 + 1, ch));
                    dst[(y * w + x) * c + ch] = (float) v;
                }
            }
        }
    }

    private static double at(float[] img, int h, int w, int c, int y, int x, int ch) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0 : img[(y * w + x) * c + ch];
    }
}
