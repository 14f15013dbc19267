package dev.panamax.autodiff.functional;

import dev.panamax.autodiff.Function;
import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Padding;
import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.op.Abs;
import dev.panamax.autodiff.op.Add;
import dev.panamax.autodiff.op.BatchNorm;
import dev.panamax.autodiff.op.BiasAct;
import dev.panamax.autodiff.op.BiasGelu;
import dev.panamax.autodiff.op.Clamp;
import dev.panamax.autodiff.op.Concat;
import dev.panamax.autodiff.op.Conv2d;
import dev.panamax.autodiff.op.Conv2dTranspose;
import dev.panamax.autodiff.op.Div;
import dev.panamax.autodiff.op.Exp;
import dev.panamax.autodiff.op.Expand;
import dev.panamax.autodiff.op.Gather;
import dev.panamax.autodiff.op.Gelu;
import dev.panamax.autodiff.op.Gru;
import dev.panamax.autodiff.op.Im2col;
import dev.panamax.autodiff.op.IndexSelect;
import dev.panamax.autodiff.op.LayerNorm;
import dev.panamax.autodiff.op.Log;
import dev.panamax.autodiff.op.Lstm;
import dev.panamax.autodiff.op.MatMul;
import dev.panamax.autodiff.op.Max;
import dev.panamax.autodiff.op.MaxPool2d;
import dev.panamax.autodiff.op.Mul;
import dev.panamax.autodiff.op.Neg;
import dev.panamax.autodiff.op.Permute;
import dev.panamax.autodiff.op.Pow;
import dev.panamax.autodiff.op.Reductions;
import dev.panamax.autodiff.op.Relu;
import dev.panamax.autodiff.op.Reshape;
import dev.panamax.autodiff.op.Sigmoid;
import dev.panamax.autodiff.op.Slice;
import dev.panamax.autodiff.op.Softmax;
import dev.panamax.autodiff.op.SoftmaxCrossEntropy;
import dev.panamax.autodiff.op.Sqrt;
import dev.panamax.autodiff.op.Sub;
import dev.panamax.autodiff.op.Sum;
import dev.panamax.autodiff.op.Tanh;
import dev.panamax.autodiff.op.Where;
import dev.panamax.kernels.conv.Conv2dShape;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import java.util.Arrays;

/**
 * The differentiable functions, one static method each. Primitives are {@link Function}s in {@code op/};
 * everything else is composed from them here (and so needs no backward of its own).
 */
public final class F {
    private F() {}

    private static Var constant(double v, Var like) {
        return Var.of(Tensor.scalar(v, like.value().dtype()));
    }

    // ---------------------------------------------------------------- elementwise
    public static Var add(Var a, Var b) { return new Add().apply1(a, b); }
    public static Var sub(Var a, Var b) { return new Sub().apply1(a, b); }
    public static Var mul(Var a, Var b) { return new Mul().apply1(a, b); }
    public static Var div(Var a, Var b) { return new Div().apply1(a, b); }
    public static Var pow(Var a, Var b) { return new Pow().apply1(a, b); }
    public static Var add(Var a, double b) { return add(a, constant(b, a)); }
    public static Var mul(Var a, double b) { return mul(a, constant(b, a)); }
    public static Var pow(Var a, double b) { return pow(a, constant(b, a)); }
    public static Var neg(Var a) { return new Neg().apply1(a); }
    public static Var exp(Var a) { return new Exp().apply1(a); }
    public static Var log(Var a) { return new Log().apply1(a); }
    public static Var sqrt(Var a) { return new Sqrt().apply1(a); }
    public static Var abs(Var a) { return new Abs().apply1(a); }
    public static Var square(Var a) { return mul(a, a); }
    public static Var clamp(Var a, double lo, double hi) { return new Clamp(lo, hi).apply1(a); }

    /** {@code cond ? a : b}; {@code cond} is a U8 mask (comparisons on tensors return one). */
    public static Var where(Tensor cond, Var a, Var b) { return new Where(cond).apply1(a, b); }

    // ---------------------------------------------------------------- activations
    public static Var sigmoid(Var a) { return new Sigmoid().apply1(a); }
    public static Var tanh(Var a) { return new Tanh().apply1(a); }
    public static Var relu(Var a) { return new Relu().apply1(a); }

    /** {@code max(x + bias, 0)} with {@code bias} over the last axis: a layer's epilogue as one fused op. */
    public static Var biasRelu(Var x, Var bias) { return new BiasAct(true).apply1(x, bias); }

    /** {@code x + bias} with {@code bias} over the last axis, fused (one pass each way). */
    public static Var biasAdd(Var x, Var bias) { return new BiasAct(false).apply1(x, bias); }
    public static Var gelu(Var a) { return new Gelu().apply1(a); }

    /** GELU's tanh approximation (GPT-2's; PyTorch's {@code gelu(x, approximate='tanh')}). */
    public static Var geluTanh(Var a) { return new Gelu(true).apply1(a); }
    /** {@code gelu(x + bias)}, the bias over the last axis, as one op (exact GELU, or the tanh form when {@code tanh}). */
    public static Var biasGelu(Var x, Var bias, boolean tanh) { return new BiasGelu(tanh).apply1(x, bias); }

    /** {@code x > 0 ? x : slope·x}. */
    public static Var leakyRelu(Var a, double slope) {
        try (Tensor pos = a.value().gt(0)) {
            return where(pos, a, mul(a, slope));
        }
    }

    /** {@code x > 0 ? x : alpha·(exp(x) - 1)}. */
    public static Var elu(Var a, double alpha) {
        try (Tensor pos = a.value().gt(0)) {
            return where(pos, a, mul(add(exp(a), -1), alpha));
        }
    }

    /** {@code x · sigmoid(x)} (also called swish). */
    public static Var silu(Var a) { return mul(a, sigmoid(a)); }

    public static Var softmax(Var a, int axis) { return new Softmax(axis, false).apply1(a); }
    public static Var logSoftmax(Var a, int axis) { return new Softmax(axis, true).apply1(a); }

    // ---------------------------------------------------------------- reductions
    public static Var sum(Var a) { return new Sum(null, false).apply1(a); }
    public static Var sum(Var a, int[] axes, boolean keepdim) { return new Sum(axes, keepdim).apply1(a); }
    public static Var max(Var a, int[] axes, boolean keepdim) { return new Max(axes, keepdim).apply1(a); }

    public static Var mean(Var a) { return mul(sum(a), 1.0 / Math.max(1, a.value().numel())); }

    public static Var mean(Var a, int[] axes, boolean keepdim) {
        long n = count(a.shape(), axes);
        return mul(sum(a, axes, keepdim), 1.0 / Math.max(1, n));
    }

    /** Variance dividing by {@code N - correction} (1 is PyTorch's default, 0 the population variance). */
    public static Var var(Var a, int[] axes, boolean keepdim, int correction) {
        long n = count(a.shape(), axes);
        Var d = sub(a, mean(a, axes, true));
        return mul(sum(square(d), axes, keepdim), 1.0 / Math.max(1, n - correction));
    }

    /** {@code log Σ exp(a)} over {@code axes}, shifted by the (constant) maximum for stability. */
    public static Var logSumExp(Var a, int[] axes, boolean keepdim) {
        Var m = Var.of(a.value().max(axes, true));
        Var s = log(sum(exp(sub(a, m)), axes, true));
        Var r = add(s, m);
        return keepdim ? r : reshape(r, Reductions.reducedShape(a.shape(), axes));
    }

    private static long count(long[] shape, int[] axes) {
        if (axes == null || axes.length == 0) return Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        long n = 1;
        for (int ax : axes) n *= shape[ax < 0 ? ax + shape.length : ax];
        return n;
    }

    // ---------------------------------------------------------------- linear algebra and shapes
    public static Var matmul(Var a, Var b) { return new MatMul().apply1(a, b); }
    public static Var reshape(Var a, long... shape) { return new Reshape(shape).apply1(a); }
    public static Var permute(Var a, int... order) { return new Permute(order).apply1(a); }

    public static Var transpose(Var a, int x, int y) {
        int r = a.shape().length;
        int[] order = java.util.stream.IntStream.range(0, r).toArray();
        int i = x < 0 ? x + r : x, j = y < 0 ? y + r : y;
        order[i] = j;
        order[j] = i;
        return permute(a, order);
    }

    public static Var slice(Var a, int axis, long start, long end, long step) { return new Slice(axis, start, end, step).apply1(a); }
    public static Var expand(Var a, long... shape) { return new Expand(shape).apply1(a); }
    public static Var concat(int axis, Var... parts) { return new Concat(axis).apply1(parts); }

    public static Var unsqueeze(Var a, int axis) {
        long[] s = a.shape();
        int ax = axis < 0 ? axis + s.length + 1 : axis;
        long[] t = new long[s.length + 1];
        for (int i = 0, j = 0; i < t.length; i++) t[i] = i == ax ? 1 : s[j++];
        return reshape(a, t);
    }

    public static Var squeeze(Var a, int axis) {
        long[] s = a.shape();
        int ax = axis < 0 ? axis + s.length : axis;
        if (s[ax] != 1) throw new IllegalArgumentException("squeeze: axis " + axis + " has size " + s[ax] + ", not 1");
        long[] t = new long[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != ax) t[j++] = s[i];
        return reshape(a, t);
    }

    public static Var stack(int axis, Var... parts) {
        Var[] u = new Var[parts.length];
        for (int i = 0; i < parts.length; i++) u[i] = unsqueeze(parts[i], axis);
        return concat(axis, u);
    }

    public static Var indexSelect(Var a, int axis, Tensor index) { return new IndexSelect(axis, index).apply1(a); }

    /** {@code out[..i..] = a[..index[..i..]..]} along {@code axis} (like {@code torch.gather}). */
    public static Var gather(Var a, int axis, Tensor index) { return new Gather(axis, index).apply1(a); }

    /** Rows of {@code table} (vocabulary, dim) for integer {@code ids} of any shape: result {@code ids.shape + (dim)}. */
    public static Var embedding(Var table, Tensor ids) {
        try (Tensor flat = ids.reshape(-1)) {
            Var rows = indexSelect(table, 0, flat);
            long[] s = Arrays.copyOf(ids.shape(), ids.rank() + 1);
            s[ids.rank()] = table.shape()[1];
            return reshape(rows, s);
        }
    }

    // ---------------------------------------------------------------- convolution and pooling (NHWC)
    /**
     * 2-D convolution: {@code x (N, H, W, C)}, {@code kernel (KH, KW, C, F)} (Keras' layout), result
     * {@code (N, OH, OW, F)}: patches times the flattened kernel, a few images at a time (see
     * {@link Conv2d}).
     */
    public static Var conv2d(Var x, Var kernel, int[] strides, int[] dilation, Padding padding) {
        long[] k = kernelShape(x, kernel);
        return new Conv2d((int) k[0], (int) k[1], strides[0], strides[1], dilation[0], dilation[1],
                kernelPadding(padding)).apply1(x, kernel);
    }

    /**
     * A Conv2D layer's forward in one op: {@link #conv2d} then {@code + bias (F)}, then {@code max(·, 0)} when
     * {@code relu}; the epilogue runs on each block of images while it is in cache.
     */
    public static Var conv2dBiasAct(Var x, Var kernel, Var bias, int[] strides, int[] dilation, Padding padding,
                                    boolean relu) {
        long[] k = kernelShape(x, kernel);
        return new Conv2d((int) k[0], (int) k[1], strides[0], strides[1], dilation[0], dilation[1],
                kernelPadding(padding), relu).apply1(x, kernel, bias);
    }

    /**
     * {@link #conv2d} then max pooling with {@code pool}'s window, strides and padding, in one op: each block of
     * images is pooled while its convolution output is in cache, so the full-size output is never stored.
     */
    public static Var conv2dMaxPool(Var x, Var kernel, int[] strides, int[] dilation, Padding padding,
                                    Conv2d.MaxPool pool) {
        long[] k = kernelShape(x, kernel);
        return new Conv2d((int) k[0], (int) k[1], strides[0], strides[1], dilation[0], dilation[1],
                kernelPadding(padding), pool).apply1(x, kernel);
    }

    /**
     * Transposed 2-D convolution (Keras' Conv2DTranspose, PyTorch's ConvTranspose2d): {@code x (N, H, W, C)},
     * {@code kernel (KH, KW, F, C)}, result {@code (N, OH, OW, F)} with 'valid' {@code OH = H·s + max(KH - s, 0)},
     * 'same' {@code OH = H·s} (see {@link Conv2dTranspose}).
     */
    public static Var conv2dTranspose(Var x, Var kernel, int[] strides, Padding padding) {
        long[] k = kernel.shape();
        if (k.length != 4) {
            throw new IllegalArgumentException("conv2d_transpose: kernel must be (KH, KW, F, C), got " + Arrays.toString(k));
        }
        return new Conv2dTranspose((int) k[0], (int) k[1], strides[0], strides[1], kernelPadding(padding)).apply1(x, kernel);
    }

    /**
     * Nearest-neighbour upsampling by integer factors: {@code x (N, H, W, C) → (N, H·fh, W·fw, C)}, each pixel
     * repeated in an {@code fh × fw} block. Composed: a broadcast over two new unit axes, so the backward is the
     * broadcast's sum over each block.
     */
    public static Var upSampling2d(Var x, int fh, int fw) {
        long[] s = x.shape();
        if (s.length != 4 || fh < 1 || fw < 1) {
            throw new IllegalArgumentException("up_sampling2d: input must be (N, H, W, C) and factors >= 1, got "
                    + Arrays.toString(s) + ", factors " + fh + "x" + fw);
        }
        Var blocks = expand(reshape(x, s[0], s[1], 1, s[2], 1, s[3]), s[0], s[1], fh, s[2], fw, s[3]);
        return reshape(blocks, s[0], s[1] * fh, s[2] * fw, s[3]);
    }

    /**
     * 1-D convolution over time: {@code x (B, T, C)}, {@code kernel (K, C, F)} (Keras' layout), taps {@code dilation}
     * steps apart, result {@code (B, T', F)}. {@code causal}: the input is left-padded with {@code (K - 1)·dilation}
     * zeros, so output {@code t} sees inputs {@code t, t - d, …, t - (K-1)·d} only and {@code T' = T} (WaveNet);
     * otherwise 'valid', {@code T' = T - (K - 1)·dilation}. Composed, exactly: the zero padding is a concatenation and
     * the convolution is {@link #conv2d} over a height-1 image, so it runs on the blocked im2col + GEMM engine.
     */
    public static Var conv1d(Var x, Var kernel, int dilation, boolean causal) {
        long[] in = x.shape(), k = kernel.shape();
        if (in.length != 3 || k.length != 3 || k[1] != in[2] || dilation < 1) {
            throw new IllegalArgumentException("conv1d: input must be (B, T, C), kernel (K, C, F) with the same C and dilation >= 1, got "
                    + Arrays.toString(in) + ", " + Arrays.toString(k) + ", dilation " + dilation);
        }
        long pad = causal ? (k[0] - 1) * dilation : 0;
        Var padded = pad == 0 ? x : concat(1, Var.of(Tensor.zeros(x.value().dtype(), in[0], pad, in[2])), x);
        long t = in[1] + pad - (k[0] - 1) * dilation;
        if (t < 1) {
            throw new IllegalArgumentException("conv1d: a series of " + in[1] + " steps is shorter than the kernel's reach of "
                    + ((k[0] - 1) * dilation + 1) + " steps; use causal padding or a shorter kernel");
        }
        Var y = conv2d(reshape(padded, in[0], 1, in[1] + pad, in[2]), reshape(kernel, 1, k[0], k[1], k[2]), new int[] {1, 1},
                new int[] {1, dilation}, Padding.VALID);
        return reshape(y, in[0], t, k[2]);
    }

    // ---------------------------------------------------------------- recurrent layers (PyTorch's layouts)
    /** One LSTM layer and direction over {@code x (B, T, I)}: {@code {y (B, T, H), hT, cT}} (see {@link Lstm}). */
    public static Var[] lstm(Var x, Var h0, Var c0, Var wIh, Var wHh, Var bIh, Var bHh, boolean reverse) {
        return Lstm.lstm(x, h0, c0, wIh, wHh, bIh, bHh, reverse);
    }

    /** One GRU layer and direction over {@code x (B, T, I)}: {@code {y (B, T, H), hT}} (see {@link Gru}). */
    public static Var[] gru(Var x, Var h0, Var wIh, Var wHh, Var bIh, Var bHh, boolean reverse) {
        return Gru.gru(x, h0, wIh, wHh, bIh, bHh, reverse);
    }

    /** The kernel's shape, checked against the input's channels: (KH, KW, C, F). */
    private static long[] kernelShape(Var x, Var kernel) {
        long[] k = kernel.shape(), in = x.shape();
        if (k.length != 4 || in.length != 4 || k[2] != in[3]) {
            throw new IllegalArgumentException("conv2d: input must be (N, H, W, C) and kernel (KH, KW, C, F) with the same C, got "
                    + Arrays.toString(in) + " and " + Arrays.toString(k));
        }
        return k;
    }

    /**
     * Convolution composed from differentiable patches and one matrix product over the whole batch: the
     * readable reference the {@code Conv2d} op is tested against.
     */
    public static Var conv2dComposite(Var x, Var kernel, int[] strides, int[] dilation, Padding padding) {
        long[] k = kernelShape(x, kernel);
        Im2col unfold = new Im2col((int) k[0], (int) k[1], strides[0], strides[1],
                dilation[0], dilation[1], kernelPadding(padding));
        Conv2dShape s = unfold.shapeFor(x.shape());
        Var cols = unfold.apply1(x);
        Var y = matmul(cols, reshape(kernel, k[0] * k[1] * k[2], k[3]));
        return reshape(y, s.n(), s.oh(), s.ow(), k[3]);
    }

    /** Max pooling over {@code size} windows with {@code strides}; 'same' padding never lets the edge win. */
    public static Var maxPool2d(Var x, int[] size, int[] strides, Padding padding) {
        return new MaxPool2d(size[0], size[1], strides[0], strides[1], kernelPadding(padding)).apply1(x);
    }

    /**
     * Max pooling composed from differentiable patches and a max reduction: the readable reference the
     * {@code MaxPool2d} kernel op is tested against (it shares the gradient among tied maxima instead of
     * giving it to the first).
     */
    public static Var maxPool2dComposite(Var x, int[] size, int[] strides, Padding padding) {
        return pool(x, size, strides, padding, true);
    }

    /** Average pooling; with 'same' padding each window averages only its in-bounds pixels (Keras' rule). */
    public static Var avgPool2d(Var x, int[] size, int[] strides, Padding padding) {
        return pool(x, size, strides, padding, false);
    }

    public static Var maxPool2d(Var x, int[] size, int[] strides) {
        return maxPool2d(x, size, strides, Padding.VALID);
    }

    public static Var avgPool2d(Var x, int[] size, int[] strides) {
        return avgPool2d(x, size, strides, Padding.VALID);
    }

    /** The kernels' own padding type, which stays out of F's signatures. */
    private static Conv2dShape.Padding kernelPadding(Padding padding) {
        return Conv2dShape.Padding.valueOf(padding.name());
    }

    private static Var pool(Var x, int[] size, int[] strides, Padding padding, boolean max) {
        Im2col unfold = new Im2col(size[0], size[1], strides[0], strides[1], 1, 1,
                kernelPadding(padding), max ? Double.NEGATIVE_INFINITY : 0.0);
        Conv2dShape s = unfold.shapeFor(x.shape());
        long taps = (long) size[0] * size[1];
        Var windows = reshape(unfold.apply1(x), s.patches(), taps, s.c());
        Var pooled;
        if (max) {
            pooled = max(windows, new int[] {1}, false);
        } else if (padding == Padding.VALID) {
            pooled = mean(windows, new int[] {1}, false);
        } else {
            // In-bounds pixels per window: the same unfolding applied to ones, a constant.
            Tensor counts;
            try (GradMode.Switch off = GradMode.noGrad();
                 Tensor ones = Tensor.ones(x.value().dtype(), 1, s.h(), s.w(), 1)) {
                Im2col countUnfold = new Im2col(size[0], size[1], strides[0],
                        strides[1], 1, 1, kernelPadding(padding), 0.0);
                Tensor c = countUnfold.apply1(Var.of(ones)).value();
                counts = c.sum(new int[] {1}, false).reshape(1, (long) s.oh() * s.ow(), 1);
            }
            Var sums = reshape(sum(windows, new int[] {1}, false), s.n(), (long) s.oh() * s.ow(), s.c());
            pooled = div(sums, Var.of(counts));
        }
        return reshape(pooled, s.n(), s.oh(), s.ow(), s.c());
    }

    // ---------------------------------------------------------------- regularisation
    /** Inverted dropout: zeroes each element with probability {@code p} and scales the rest by 1/(1-p); identity when not training. */
    public static Var dropout(Var a, double p, boolean training, Rng rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + p);
        if (!training || p == 0) return a;
        try (Tensor u = Tensor.rand(rng, a.value().dtype(), a.shape()); Tensor keep = u.ge(p); Tensor kf = keep.to(a.value().dtype())) {
            return mul(a, Var.of(kf.mul(1.0 / (1 - p))));
        }
    }

    public static Var l1(Var w) { return sum(abs(w)); }
    public static Var l2(Var w) { return sum(square(w)); }

    // ---------------------------------------------------------------- losses (means over the batch)
    /** Sparse categorical cross-entropy from logits (N, C) and integer labels (N). */
    public static Var crossEntropyFromLogits(Var logits, Tensor labels) { return new SoftmaxCrossEntropy(labels).apply1(logits); }

    /** Categorical cross-entropy from logits (N, C) and one-hot (or soft) targets (N, C). */
    public static Var crossEntropyFromLogitsOneHot(Var logits, Tensor targets) {
        Var lp = logSoftmax(logits, 1);
        return mul(sum(mul(lp, Var.of(targets))), -1.0 / logits.shape()[0]);
    }

    /** Sparse categorical cross-entropy from probabilities (N, C), clipped to [eps, 1-eps] like Keras. */
    public static Var crossEntropyFromProbs(Var probs, Tensor labels, double eps) {
        try (Tensor lab = labels.to(DType.I64); Tensor oh = lab.oneHot((int) probs.shape()[1])) {
            Var logp = log(clamp(probs, eps, 1 - eps));
            return mul(sum(mul(logp, Var.of(oh.to(probs.value().dtype())))), -1.0 / probs.shape()[0]);
        }
    }

    /** Binary cross-entropy of probabilities against targets in [0, 1], probabilities clipped to [eps, 1-eps]. */
    public static Var binaryCrossEntropy(Var probs, Var targets, double eps) {
        Var p = clamp(probs, eps, 1 - eps);
        Var pos = mul(targets, log(p));
        Var neg = mul(add(neg(targets), 1), log(add(neg(p), 1)));
        return neg(mean(add(pos, neg)));
    }

    public static Var mse(Var pred, Var target) { return mean(square(sub(pred, target))); }
    public static Var mae(Var pred, Var target) { return mean(abs(sub(pred, target))); }

    /** Huber loss: quadratic below {@code delta}, linear above (Keras' definition). */
    public static Var huber(Var pred, Var target, double delta) {
        Var d = sub(pred, target);
        Var ad = abs(d);
        try (Tensor small = ad.value().le(delta)) {
            return mean(where(small, mul(square(d), 0.5), mul(add(ad, -0.5 * delta), delta)));
        }
    }

    // ---------------------------------------------------------------- positions

    /**
     * Rotary position embedding (RoPE, GPT-NeoX/LLaMA's half-split form) of {@code x (..., T, D)}, D even: for
     * position {@code p = start + t} and {@code i < D/2}, the pair {@code (x[i], x[i + D/2])} is rotated by the angle
     * {@code p·base^(-2i/D)}. Composed from slices, products and a concat, so it needs no backward of its own.
     */
    public static Var rope(Var x, long start, double base) {
        long[] s = x.shape();
        int r = s.length;
        if (r < 2 || s[r - 1] % 2 != 0) throw new IllegalArgumentException("rope: input must be (..., T, D) with D even, got " + Arrays.toString(s));
        long t = s[r - 2], d = s[r - 1], half = d / 2;
        double[] cos = new double[(int) (t * half)], sin = new double[cos.length];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                double angle = (start + p) * Math.pow(base, -2.0 * i / d);
                cos[(int) (p * half + i)] = Math.cos(angle);
                sin[(int) (p * half + i)] = Math.sin(angle);
            }
        }
        Var c, sn;
        try (Tensor c64 = Tensor.of(cos, t, half); Tensor s64 = Tensor.of(sin, t, half)) {
            c = Var.of(c64.to(x.value().dtype()));
            sn = Var.of(s64.to(x.value().dtype()));
        }
        Var x1 = slice(x, r - 1, 0, half, 1), x2 = slice(x, r - 1, half, d, 1);
        return concat(r - 1, sub(mul(x1, c), mul(x2, sn)), add(mul(x2, c), mul(x1, sn)));
    }

    // ---------------------------------------------------------------- normalisation
    /** Normalises over the last {@code dims} dimensions, then scales and shifts: {@code (x - μ)/sqrt(σ² + eps)·γ + β}. */
    public static Var layerNorm(Var x, int dims, Var gamma, Var beta, double eps) {
        int r = x.shape().length;
        if (dims == 1 && gamma.shape().length == 1 && beta.shape().length == 1) {
            return new LayerNorm(eps).apply1(x, gamma, beta);  // the last axis: the fused kernel
        }
        int[] axes = java.util.stream.IntStream.range(r - dims, r).toArray();
        Var mu = mean(x, axes, true);
        Var v = var(x, axes, true, 0);
        Var xhat = div(sub(x, mu), sqrt(add(v, eps)));
        return add(mul(xhat, gamma), beta);
    }

    /**
     * Batch normalisation over every axis but the last (channels, NHWC). In training it uses the batch's
     * statistics and updates {@code runningMean}/{@code runningVar} in place with {@code momentum} (Keras:
     * {@code running = momentum·running + (1-momentum)·batch}); in inference it uses the running ones.
     */
    public static Var batchNorm(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar, boolean training,
                                double momentum, double eps) {
        if (!training) {
            Var xhat = div(sub(x, Var.of(runningMean)), Var.of(runningVar.add(eps).sqrt()));
            return add(mul(xhat, gamma), beta);
        }
        if (gamma.shape().length == 1 && beta.shape().length == 1) {
            return new BatchNorm(eps, momentum, runningMean, runningVar).apply1(x, gamma, beta);  // the fused kernel
        }
        return batchNormComposite(x, gamma, beta, runningMean, runningVar, momentum, eps);
    }

    /** {@link #batchNorm} in training mode composed from reductions and elementwise ops: the fused op's reference. */
    public static Var batchNormComposite(Var x, Var gamma, Var beta, Tensor runningMean, Tensor runningVar, double momentum, double eps) {
        int[] axes = java.util.stream.IntStream.range(0, x.shape().length - 1).toArray();
        Var mu = mean(x, axes, true);
        Var v = var(x, axes, true, 0);
        try (GradMode.Switch off = GradMode.noGrad();
             Tensor m = mu.value().reshape(runningMean.shape()); Tensor vv = v.value().reshape(runningVar.shape());
             Tensor nm = runningMean.mul(momentum); Tensor am = m.mul(1 - momentum); Tensor newMean = nm.add(am);
             Tensor nv = runningVar.mul(momentum); Tensor av = vv.mul(1 - momentum); Tensor newVar = nv.add(av)) {
            runningMean.copyFrom(newMean);
            runningVar.copyFrom(newVar);
        }
        Var xhat = div(sub(x, mu), sqrt(add(v, eps)));
        return add(mul(xhat, gamma), beta);
    }

    // ---------------------------------------------------------------- broadcasting helpers for custom ops
    /**
     * Sums a gradient of a broadcast result back to the shape of the input that was broadcast, for a custom
     * {@link Function}'s backward: leading extra dimensions are summed away, and dimensions where the input had
     * size 1 are summed with keepdim (PyTorch's {@code sum_to_size}).
     *
     * <pre>{@code
     * protected Tensor[] backward(Ctx ctx, Tensor... g) {
     *     try (Tensor full = g[0].mul(ctx.saved(1))) {             // shaped like the broadcast output
     *         return new Tensor[] {F.sumTo(full, ctx.inputShape(0)), null};
     *     }
     * }
     * }</pre>
     *
     * @param g the gradient of the broadcast output
     * @param shape the shape of the input it flows to; must broadcast to {@code g}'s shape
     * @return a tensor of exactly {@code shape} with its own reference (the caller may close {@code g})
     */
    public static Tensor sumTo(Tensor g, long... shape) {
        return dev.panamax.autodiff.op.Grads.sumTo(g, shape);
    }

    /**
     * The differentiable form of {@link #sumTo(Tensor, long...)}: {@code a} summed over the dimensions that
     * broadcasting to {@code a}'s shape would have added or expanded from 1.
     *
     * @param a the broadcast value
     * @param shape the shape to sum down to; must broadcast to {@code a}'s shape
     * @return a variable of exactly {@code shape}
     */
    public static Var sumTo(Var a, long... shape) {
        long[] as = a.shape();
        if (Arrays.equals(as, shape)) return a;
        int lead = as.length - shape.length;
        if (lead < 0) throw new IllegalArgumentException("sumTo: cannot sum " + Arrays.toString(as) + " to the larger rank of " + Arrays.toString(shape));
        int[] axes = java.util.stream.IntStream.range(0, as.length)
                .filter(i -> i < lead || (shape[i - lead] == 1 && as[i] != 1)).toArray();
        return reshape(axes.length == 0 ? a : sum(a, axes, true), shape);
    }

    // ---------------------------------------------------------------- functional entry point
    /** Result of {@link #valueAndGrad}: the function's value and the gradient of each parameter. */
    public record ValueAndGrad(Tensor value, Tensor[] grads) {}

    /**
     * Evaluates the scalar {@code fn} at {@code params} and returns its value and gradients, leaving the
     * parameters' own accumulated gradients untouched (like {@code jax.value_and_grad}).
     */
    public static ValueAndGrad valueAndGrad(dev.panamax.autodiff.VarFunction fn, Tensor... params) {
        Var[] vars = new Var[params.length];
        for (int i = 0; i < params.length; i++) vars[i] = Var.param(params[i]);
        Var out = fn.apply(vars);
        out.backward();
        Tensor[] grads = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            grads[i] = vars[i].grad() != null ? vars[i].grad() : Tensor.zeros(params[i].dtype(), params[i].shape());
        }
        return new ValueAndGrad(out.value(), grads);
    }
}
