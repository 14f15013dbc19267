package dev.panamax.autodiff.testing;

import static dev.panamax.autodiff.testing.OpInfos.r;

import dev.panamax.autodiff.Padding;
import dev.panamax.autodiff.functional.F;
import dev.panamax.autodiff.op.Conv2dTranspose;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.tensors.Tensor;
import java.util.List;
import java.util.function.Supplier;

/**
 * The generator's upsampling records of the OpInfo table: transposed convolution and nearest-neighbour upsampling,
 * each against a scalar loop written from its definition (independent of the convolution engine and of the
 * broadcast the upsampling is composed of). Samples cover stride 1 and 2, kernels 3, 4 and 5 (kernel smaller than the
 * stride too), both paddings, size-1 images and channels, and a non-contiguous input.
 */
public final class ConvTransposeOpInfos {
    private ConvTransposeOpInfos() {}

    static void addTo(List<OpInfo> l) {
        Padding valid = Padding.VALID, same = Padding.SAME;
        l.add(transpose("conv2d_transpose valid", new int[] {2, 2}, valid, () -> List.<Tensor[]>of(new Tensor[] {r(71, 2, 3, 2, 3), r(72, 3, 3, 2, 3)},
                new Tensor[] {r(73, 1, 1, 1, 1), r(74, 4, 4, 1, 1)}, new Tensor[] {r(75, 3, 2, 4, 2).permute(0, 2, 1, 3), r(76, 3, 3, 4, 2)})));
        l.add(transpose("conv2d_transpose same strided", new int[] {2, 2}, same, () -> List.<Tensor[]>of(new Tensor[] {r(77, 2, 3, 4, 2), r(78, 5, 5, 3, 2)},
                new Tensor[] {r(79, 1, 2, 1, 1), r(80, 4, 4, 2, 1)})));
        l.add(transpose("conv2d_transpose same", new int[] {1, 1}, same, () -> List.<Tensor[]>of(new Tensor[] {r(81, 2, 4, 3, 2), r(82, 3, 3, 2, 2)})));
        l.add(transpose("conv2d_transpose kernel below stride", new int[] {3, 2}, valid,
                () -> List.<Tensor[]>of(new Tensor[] {r(83, 1, 2, 3, 2), r(84, 1, 1, 2, 2)})));
        l.add(OpInfos.info("up_sampling2d", v -> F.upSampling2d(v[0], 2, 3),
                () -> List.<Tensor[]>of(new Tensor[] {r(85, 2, 3, 2, 3)}, new Tensor[] {r(86, 1, 1, 1, 1)},
                        new Tensor[] {r(87, 2, 3, 2, 2).permute(0, 2, 1, 3)}), t -> upSamplingReference(t[0], 2, 3)));
    }

    private static OpInfo transpose(String name, int[] strides, Padding padding, Supplier<List<Tensor[]>> samples) {
        return OpInfos.info(name, v -> F.conv2dTranspose(v[0], v[1], strides, padding), samples,
                t -> transposeReference(t[0], t[1], strides[0], strides[1], padding));
    }

    /**
     * {@code y[n, iy·sh + ky - top, ix·sw + kx - left, f] += x[n, iy, ix, c] · k[ky, kx, f, c]}, positions outside the
     * output dropped; {@code top}, {@code left} are half the rows 'same' crops (the smaller half first, as TensorFlow).
     *
     * @param x       the input (N, H, W, C)
     * @param k       the kernel (KH, KW, F, C)
     * @param sh      the height stride
     * @param sw      the width stride
     * @param padding {@code VALID} or {@code SAME}
     * @return the output (N, OH, OW, F), F64
     */
    public static Tensor transposeReference(Tensor x, Tensor k, int sh, int sw, Padding padding) {
        long[] xs = x.shape(), ks = k.shape();
        int n = (int) xs[0], h = (int) xs[1], w = (int) xs[2], c = (int) xs[3], kh = (int) ks[0], kw = (int) ks[1], f = (int) ks[2];
        Conv2dShape.Padding p = Conv2dShape.Padding.valueOf(padding.name());
        int oh = Conv2dTranspose.outputSize(h, kh, sh, p), ow = Conv2dTranspose.outputSize(w, kw, sw, p);
        int top = Math.max((h - 1) * sh + kh - oh, 0) / 2, left = Math.max((w - 1) * sw + kw - ow, 0) / 2;
        double[] xv = x.toDoubleArray(), kv = k.toDoubleArray(), y = new double[n * oh * ow * f];
        for (int b = 0; b < n; b++) {
            for (int iy = 0; iy < h; iy++) {
                for (int ix = 0; ix < w; ix++) {
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int oy = iy * sh + ky - top, ox = ix * sw + kx - left;
                            if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                            for (int o = 0; o < f; o++) {
                                double sum = 0;
                                for (int ci = 0; ci < c; ci++) {
                                    sum += xv[((b * h + iy) * w + ix) * c + ci] * kv[((ky * kw + kx) * f + o) * c + ci];
                                }
                                y[((b * oh + oy) * ow + ox) * f + o] += sum;
                            }
                        }
                    }
                }
            }
        }
        return Tensor.of(y, n, oh, ow, f);
    }

    /**
     * {@code y[n, oy, ox, c] = x[n, oy / fh, ox / fw, c]}.
     *
     * @param x  the input (N, H, W, C)
     * @param fh the height factor
     * @param fw the width factor
     * @return the output (N, H·fh, W·fw, C), F64
     */
    public static Tensor upSamplingReference(Tensor x, int fh, int fw) {
        long[] s = x.shape();
        int n = (int) s[0], h = (int) s[1], w = (int) s[2], c = (int) s[3];
        double[] xv = x.toDoubleArray(), y = new double[n * h * fh * w * fw * c];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < h * fh; oy++) {
                for (int ox = 0; ox < w * fw; ox++) {
                    for (int ci = 0; ci < c; ci++) y[((b * h * fh + oy) * w * fw + ox) * c + ci] = xv[((b * h + oy / fh) * w + ox / fw) * c + ci];
                }
            }
        }
        return Tensor.of(y, n, h * fh, w * fw, c);
    }
}
