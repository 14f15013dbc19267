package dev.panamax.apps.explain;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Layer;
import dev.panamax.nn.Sequential;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.List;

/**
 * Why a convolutional classifier chose its class, for one single-channel image {@code (H, W)}:
 * <ul>
 *   <li><b>Saliency</b> (Simonyan, Vedaldi and Zisserman, "Deep Inside Convolutional Networks", 2014): the absolute
 *       gradient of the class score (the logit before the softmax) with respect to each input pixel.</li>
 *   <li><b>Grad-CAM</b> (Selvaraju et al., 2017): at the last convolution's output {@code A (h, w, K)}, the weight of
 *       channel k is its gradient averaged over the positions, {@code α_k = mean_ij ∂y_c/∂A_ijk}; the map is
 *       {@code ReLU(Σ_k α_k A_k)}, upsampled bilinearly to {@code (H, W)}.</li>
 * </ul>
 * Both run the model's layers one by one (the unfused stack, in inference mode) so that the input and the
 * convolution's output can be leaves of the tape that collect a gradient; nothing in the model changes.
 */
public final class Explanations {
    private Explanations() {}

    /**
     * One image explained.
     *
     * @param predicted   the class with the highest probability
     * @param probability its softmax probability
     * @param explained   the class the maps explain (the predicted one unless asked otherwise)
     * @param saliency    {@code |∂ logit / ∂ pixel|}, {@code (H, W)} row by row, not normalised
     * @param gradCam     the Grad-CAM map upsampled to {@code (H, W)}, non-negative, not normalised
     * @param camHeight   the height of the convolution's output the Grad-CAM map comes from
     * @param camWidth    its width
     */
    public record Explanation(int predicted, double probability, int explained, float[] saliency, float[] gradCam, int camHeight, int camWidth) {}

    /** Explains the predicted class of {@code pixels} ({@code H · W} values as the model reads them). */
    public static Explanation explain(Sequential model, float[] pixels) {
        return explain(model, pixels, -1);
    }

    /** Explains class {@code target} (-1: the predicted class) of {@code pixels}. */
    public static Explanation explain(Sequential model, float[] pixels, int target) {
        long[] in = model.inputShape();
        if (in == null || in.length != 3 || in[2] != 1) {
            throw new IllegalArgumentException("explain: the model must take one-channel images (height, width, 1), but it takes "
                    + (in == null ? "nothing (unbuilt)" : java.util.Arrays.toString(in)));
        }
        int h = (int) in[0], w = (int) in[1];
        if (pixels.length != h * w) throw new IllegalArgumentException("explain: " + pixels.length + " pixels for a " + h + "×" + w + " model");
        List<Layer> layers = model.layers();
        int lastConv = -1;
        for (int i = 0; i < layers.size(); i++) if (layers.get(i) instanceof Conv2D) lastConv = i;
        if (lastConv < 0) throw new IllegalArgumentException("explain: Grad-CAM needs a Conv2D layer; the model has none");
        if (!(layers.getLast() instanceof Dense)) throw new IllegalArgumentException("explain: the model must end in a Dense layer (the class scores)");

        float[] z = logits(model, pixels);
        int predicted = argmax(z);
        int c = target < 0 ? predicted : target;
        if (c >= z.length) throw new IllegalArgumentException("explain: class " + c + " is not one of the model's " + z.length);
        float[] g = inputGradient(model, pixels, c);
        float[] saliency = new float[h * w];
        for (int i = 0; i < saliency.length; i++) saliency[i] = Math.abs(g[i]);
        try (MemoryScope scope = MemoryScope.open("grad-cam")) {
            // The last convolution's output is a leaf of the tape; the layers after it run from there.
            Var a;
            try (GradMode.Switch off = GradMode.noGrad()) {
                a = run(layers, 0, lastConv + 1, Var.of(Tensor.of(pixels, 1, h, w, 1)));
            }
            Var leaf = Var.param(a.value());
            run(layers, lastConv + 1, layers.size(), leaf).backward(oneHot(z.length, c));
            long[] s = a.value().shape();  // (1, ch, cw, K)
            int ch = (int) s[1], cw = (int) s[2], k = (int) s[3];
            float[] cam = camFrom(a.value().toFloatArray(), leaf.grad().toFloatArray(), ch, cw, k);
            return new Explanation(predicted, softmax(z)[predicted], c, saliency, upsample(cam, ch, cw, h, w), ch, cw);
        }
    }

    /** {@code ∂ logit_c / ∂ pixel}, signed, {@code (H, W)} row by row: the input is a leaf of the tape. */
    static float[] inputGradient(Sequential model, float[] pixels, int c) {
        long[] in = model.inputShape();
        try (MemoryScope scope = MemoryScope.open("saliency")) {
            Var x = Var.param(Tensor.of(pixels, 1, in[0], in[1], 1));
            Var logits = run(model.layers(), 0, model.layers().size(), x);  // (1, classes)
            logits.backward(oneHot((int) logits.value().dim(1), c));
            return x.grad().toFloatArray();
        }
    }

    /** {@code ReLU(Σ_k α_k A_k)} with {@code α_k} the spatial mean of channel k's gradient; {@code a}, {@code grad} (ch, cw, K). */
    static float[] camFrom(float[] a, float[] grad, int ch, int cw, int k) {
        double[] alpha = new double[k];
        for (int p = 0; p < ch * cw; p++) for (int j = 0; j < k; j++) alpha[j] += grad[p * k + j];
        for (int j = 0; j < k; j++) alpha[j] /= ch * cw;
        float[] cam = new float[ch * cw];
        for (int p = 0; p < ch * cw; p++) {
            double sum = 0;
            for (int j = 0; j < k; j++) sum += alpha[j] * a[p * k + j];
            cam[p] = (float) Math.max(0, sum);
        }
        return cam;
    }

    /**
     * Bilinear resampling of {@code (sh, sw)} to {@code (h, w)}, pixel centres aligned (OpenCV's and PyTorch's
     * {@code align_corners=False}), edges clamped.
     */
    static float[] upsample(float[] src, int sh, int sw, int h, int w) {
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            double fy = Math.clamp((y + 0.5) * sh / h - 0.5, 0, sh - 1);
            int y0 = (int) Math.floor(fy), y1 = Math.min(y0 + 1, sh - 1);
            double ty = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = Math.clamp((x + 0.5) * sw / w - 0.5, 0, sw - 1);
                int x0 = (int) Math.floor(fx), x1 = Math.min(x0 + 1, sw - 1);
                double tx = fx - x0;
                double top = src[y0 * sw + x0] * (1 - tx) + src[y0 * sw + x1] * tx;
                double bottom = src[y1 * sw + x0] * (1 - tx) + src[y1 * sw + x1] * tx;
                out[y * w + x] = (float) (top * (1 - ty) + bottom * ty);
            }
        }
        return out;
    }

    /** Layers {@code from} (inclusive) to {@code to} (exclusive) on {@code x}, in inference mode; the last Dense gives logits. */
    static Var run(List<Layer> layers, int from, int to, Var x) {
        Rng unused = new Rng(0);  // inference draws nothing
        for (int i = from; i < to; i++) {
            Layer l = layers.get(i);
            x = i == layers.size() - 1 ? ((Dense) l).logits(x) : l.apply(x, false, unused);
        }
        return x;
    }

    private static Tensor oneHot(int n, int c) {
        float[] v = new float[n];
        v[c] = 1;
        return Tensor.of(v, 1, n);
    }

    private static int argmax(float[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) if (z[i] > z[best]) best = i;
        return best;
    }

    private static double[] softmax(float[] z) {
        double max = z[argmax(z)], sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) sum += p[i] = Math.exp(z[i] - max);
        for (int i = 0; i < z.length; i++) p[i] /= sum;
        return p;
    }

    /** The class scores (logits) of {@code pixels}, for checks against finite differences. */
    static float[] logits(Sequential model, float[] pixels) {
        long[] in = model.inputShape();
        try (MemoryScope scope = MemoryScope.open("logits"); GradMode.Switch off = GradMode.noGrad()) {
            return run(model.layers(), 0, model.layers().size(), Var.of(Tensor.of(pixels, 1, in[0], in[1], 1))).value().toFloatArray();
        }
    }
}
