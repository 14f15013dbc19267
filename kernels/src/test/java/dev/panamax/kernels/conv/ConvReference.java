package dev.panamax.kernels.conv;

import dev.panamax.kernels.spec.Conv2dShape;
import java.lang.foreign.MemorySegment;

/** A convolution's definition in double precision over F32 NHWC data, for the kernels' tests to compare against. */
final class ConvReference {
    private ConvReference() {}

    /** x at (b, iy, ix, ch), 0 in the padding. */
    static double x(Conv2dShape s, MemorySegment x, long off, int b, int iy, int ix, int ch) {
        if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) return 0;
        return SingleChannelConvTest.at(x, off + (((long) b * s.h() + iy) * s.w() + ix) * s.c() + ch);
    }

    /** One input value a window tap reads: output pixel {@code pixel} (flat), tap {@code tap}, channel {@code ch}. */
    @FunctionalInterface
    interface TapValue {
        void at(int pixel, int tap, int ch, double x);
    }

    /** Visits every (output pixel, tap, input channel) with the input value there, 0 in the padding. */
    static void forEachTap(Conv2dShape s, MemorySegment x, long xOff, TapValue visit) {
        for (int b = 0, pixel = 0; b < s.n(); b++) {
            for (int oy = 0; oy < s.oh(); oy++) {
                for (int ox = 0; ox < s.ow(); ox++, pixel++) {
                    for (int ky = 0; ky < s.kh(); ky++) {
                        for (int kx = 0; kx < s.kw(); kx++) {
                            for (int ch = 0; ch < s.c(); ch++) {
                                visit.at(pixel, ky * s.kw() + kx, ch,
                                        x(s, x, xOff, b, oy * s.sh() - s.padTop() + ky * s.dh(), ox * s.sw() - s.padLeft() + kx * s.dw(), ch));
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code y (N, OH, OW, F)} of {@code x} and the kernel {@code k (KH, KW, C, F)}. */
    static double[] forward(Conv2dShape s, MemorySegment x, long xOff, MemorySegment k, long kOff) {
        int c = s.c(), f = s.f();
        double[] y = new double[s.n() * s.oh() * s.ow() * f];
        forEachTap(s, x, xOff, (pixel, tap, ch, v) -> {
            long kAt = kOff + ((long) tap * c + ch) * f;
            for (int o = 0; o < f; o++) y[pixel * f + o] += v * SingleChannelConvTest.at(k, kAt + o);
        });
        return y;
    }

    /** {@code dk (KH, KW, C, F) = Σ_pixels x[pixel's tap, c] · g[pixel, o]} from the output gradient {@code g (N, OH, OW, F)}. */
    static double[] weightGradient(Conv2dShape s, MemorySegment x, long xOff, MemorySegment g, long gOff) {
        int c = s.c(), f = s.f();
        double[] dk = new double[s.kh() * s.kw() * c * f];
        forEachTap(s, x, xOff, (pixel, tap, ch, v) -> {
            for (int o = 0; o < f; o++) dk[(tap * c + ch) * f + o] += v * SingleChannelConvTest.at(g, gOff + (long) pixel * f + o);
        });
        return dk;
    }

    /** {@code dx (N, H, W, C)} from the output gradient {@code g (N, OH, OW, F)} and the kernel {@code k (KH, KW, C, F)}. */
    static double[] inputGradient(Conv2dShape s, MemorySegment g, long gOff, MemorySegment k, long kOff) {
        int c = s.c(), f = s.f();
        long image = (long) s.h() * s.w() * c;
        double[] dx = new double[(int) (s.n() * image)];
        for (int b = 0, pixel = 0; b < s.n(); b++) {
            for (int oy = 0; oy < s.oh(); oy++) {
                for (int ox = 0; ox < s.ow(); ox++, pixel++) {
                    for (int ky = 0; ky < s.kh(); ky++) {
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.sh() - s.padTop() + ky * s.dh(), ix = ox * s.sw() - s.padLeft() + kx * s.dw();
                            if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                            for (int ch = 0; ch < c; ch++) {
                                long kAt = kOff + ((ky * s.kw() + kx) * (long) c + ch) * f;
                                double sum = 0;
                                for (int o = 0; o < f; o++) sum += (double) SingleChannelConvTest.at(g, gOff + (long) pixel * f + o) * SingleChannelConvTest.at(k, kAt + o);
                                dx[(int) (b * image + ((long) iy * s.w() + ix) * c + ch)] += sum;
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** The largest {@code |got − want|} over {@code want}'s elements, got read at {@code off}. */
    static double maxError(double[] want, MemorySegment got, long off) {
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - SingleChannelConvTest.at(got, off + i)));
        return worst;
    }

    /** The largest {@code |want|}. */
    static double maxAbs(double[] want) {
        double m = 0;
        for (double v : want) m = Math.max(m, Math.abs(v));
        return m;
    }
}
