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
import dev.panamax.kernels.spec.Conv2dShape;
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
    /**
     * Elementwise {@code a + b}, broadcasting.
     *
     * @param a the left operand
     * @param b the right operand; {@code a} and {@code b} broadcast against each other (NumPy rules)
     * @return the sum, of the broadcast shape
     */
    public static Var add(Var a, Var b) { return new Add().apply1(a, b); }
    /**
     * Elementwise {@code a - b}, broadcasting.
     *
     * @param a the left operand
     * @param b the right operand; {@code a} and {@code b} broadcast against each other (NumPy rules)
     * @return the difference, of the broadcast shape
     */
    public static Var sub(Var a, Var b) { return new Sub().apply1(a, b); }
    /**
     * Elementwise {@code a · b}, broadcasting.
     *
     * @param a the left operand
     * @param b the right operand; {@code a} and {@code b} broadcast against each other (NumPy rules)
     * @return the product, of the broadcast shape
     */
    public static Var mul(Var a, Var b) { return new Mul().apply1(a, b); }
    /**
     * Elementwise {@code a / b}, broadcasting; division by zero gives infinities or NaN as in IEEE 754.
     *
     * @param a the left operand
     * @param b the right operand; {@code a} and {@code b} broadcast against each other (NumPy rules)
     * @return the quotient, of the broadcast shape
     */
    public static Var div(Var a, Var b) { return new Div().apply1(a, b); }
    /**
     * Elementwise {@code a^b}, broadcasting. The gradient with respect to {@code b} uses {@code log a}, so it is NaN
     * where {@code a <= 0}.
     *
     * @param a the left operand
     * @param b the right operand; {@code a} and {@code b} broadcast against each other (NumPy rules)
     * @return the power, of the broadcast shape
     */
    public static Var pow(Var a, Var b) { return new Pow().apply1(a, b); }
    /**
     * {@code a + b} with a constant {@code b} (of {@code a}'s dtype, no gradient).
     *
     * @param a the input
     * @param b the constant added to every element
     * @return the sum, shaped like {@code a}
     */
    public static Var add(Var a, double b) { return add(a, constant(b, a)); }
    /**
     * {@code a · b} with a constant {@code b} (of {@code a}'s dtype, no gradient).
     *
     * @param a the input
     * @param b the constant factor
     * @return the product, shaped like {@code a}
     */
    public static Var mul(Var a, double b) { return mul(a, constant(b, a)); }
    /**
     * {@code a^b} with a constant exponent {@code b}.
     *
     * @param a the base
     * @param b the constant exponent
     * @return the power, shaped like {@code a}
     */
    public static Var pow(Var a, double b) { return pow(a, constant(b, a)); }
    /**
     * Elementwise {@code -a}.
     *
     * @param a the input
     * @return the negation, shaped like {@code a}
     */
    public static Var neg(Var a) { return new Neg().apply1(a); }
    /**
     * Elementwise {@code e^a}.
     *
     * @param a the input
     * @return the exponential, shaped like {@code a}
     */
    public static Var exp(Var a) { return new Exp().apply1(a); }
    /**
     * Elementwise natural logarithm: {@code -inf} at 0, NaN below.
     *
     * @param a the input
     * @return the logarithm, shaped like {@code a}
     */
    public static Var log(Var a) { return new Log().apply1(a); }
    /**
     * Elementwise square root (NaN below 0; the gradient is infinite at 0).
     *
     * @param a the input
     * @return the root, shaped like {@code a}
     */
    public static Var sqrt(Var a) { return new Sqrt().apply1(a); }
    /**
     * Elementwise {@code |a|}; the gradient at 0 is 0 (PyTorch's sign rule).
     *
     * @param a the input
     * @return the absolute value, shaped like {@code a}
     */
    public static Var abs(Var a) { return new Abs().apply1(a); }
    /**
     * Elementwise {@code a²}, as {@code a · a}.
     *
     * @param a the input
     * @return the square, shaped like {@code a}
     */
    public static Var square(Var a) { return mul(a, a); }
    /**
     * Elementwise {@code min(max(a, lo), hi)}; the gradient passes where {@code a} is inside {@code [lo, hi]} and is 0
     * outside.
     *
     * @param a  the input
     * @param lo the lower bound
     * @param hi the upper bound, at least {@code lo}
     * @return the clamped values, shaped like {@code a}
     */
    public static Var clamp(Var a, double lo, double hi) { return new Clamp(lo, hi).apply1(a); }

    /**
     * {@code cond ? a : b}; {@code cond} is a U8 mask (comparisons on tensors return one).
     *
     * @param cond the mask, broadcast against {@code a} and {@code b}; a constant, no gradient
     * @param a    taken where {@code cond} is non-zero
     * @param b    taken where {@code cond} is 0
     * @return the selection, of the broadcast shape; each gradient flows only where its side was taken
     */
    public static Var where(Tensor cond, Var a, Var b) { return new Where(cond).apply1(a, b); }

    // ---------------------------------------------------------------- activations
    /**
     * Elementwise logistic function {@code 1 / (1 + e^-a)}.
     *
     * @param a the input
     * @return values in (0, 1), shaped like {@code a}
     */
    public static Var sigmoid(Var a) { return new Sigmoid().apply1(a); }
    /**
     * Elementwise hyperbolic tangent.
     *
     * @param a the input
     * @return values in (-1, 1), shaped like {@code a}
     */
    public static Var tanh(Var a) { return new Tanh().apply1(a); }
    /**
     * Elementwise {@code max(a, 0)}; the gradient at 0 is 0.
     *
     * @param a the input
     * @return the rectified values, shaped like {@code a}
     */
    public static Var relu(Var a) { return new Relu().apply1(a); }

    /**
     * {@code max(x + bias, 0)} with {@code bias} over the last axis: a layer's epilogue as one fused op.
     *
     * @param x    the input (..., C)
     * @param bias the bias (C)
     * @return the activations, shaped like {@code x}
     */
    public static Var biasRelu(Var x, Var bias) { return new BiasAct(true).apply1(x, bias); }

    /**
     * {@code x + bias} with {@code bias} over the last axis, fused (one pass each way).
     *
     * @param x    the input (..., C)
     * @param bias the bias (C)
     * @return the sum, shaped like {@code x}
     */
    public static Var biasAdd(Var x, Var bias) { return new BiasAct(false).apply1(x, bias); }
    /**
     * Elementwise exact GELU, {@code a · Φ(a)} with Φ the standard normal CDF (PyTorch's default {@code gelu}).
     *
     * @param a the input
     * @return the activations, shaped like {@code a}
     */
    public static Var gelu(Var a) { return new Gelu().apply1(a); }

    /**
     * GELU's tanh approximation (GPT-2's; PyTorch's {@code gelu(x, approximate='tanh')}).
     *
     * @param a the input
     * @return the activations, shaped like {@code a}
     */
    public static Var geluTanh(Var a) { return new Gelu(true).apply1(a); }
    /**
     * {@code gelu(x + bias)}, the bias over the last axis, as one op (exact GELU, or the tanh form when {@code tanh}).
     *
     * @param x    the input (..., C)
     * @param bias the bias (C)
     * @param tanh the tanh approximation when true, the exact (erf) GELU when false
     * @return the activations, shaped like {@code x}
     */
    public static Var biasGelu(Var x, Var bias, boolean tanh) { return new BiasGelu(tanh).apply1(x, bias); }

    /**
     * {@code x > 0 ? x : slope·x}.
     *
     * @param a     the input
     * @param slope the factor for negative inputs, e.g. 0.01
     * @return the activations, shaped like {@code a}
     */
    public static Var leakyRelu(Var a, double slope) {
        try (Tensor pos = a.value().gt(0)) {
            return where(pos, a, mul(a, slope));
        }
    }

    /**
     * {@code x > 0 ? x : alpha·(exp(x) - 1)}.
     *
     * @param a     the input
     * @param alpha the saturation level for negative inputs (the output tends to {@code -alpha})
     * @return the activations, shaped like {@code a}
     */
    public static Var elu(Var a, double alpha) {
        try (Tensor pos = a.value().gt(0)) {
            return where(pos, a, mul(add(exp(a), -1), alpha));
        }
    }

    /**
     * {@code x · sigmoid(x)} (also called swish).
     *
     * @param a the input
     * @return the activations, shaped like {@code a}
     */
    public static Var silu(Var a) { return mul(a, sigmoid(a)); }

    /**
     * Softmax along {@code axis}: {@code exp(a - max) / Σ exp(a - max)}, stable for large inputs.
     *
     * @param a    the input
     * @param axis the axis to normalise over; negative counts from the end
     * @return probabilities summing to 1 along {@code axis}, shaped like {@code a}
     */
    public static Var softmax(Var a, int axis) { return new Softmax(axis, false).apply1(a); }
    /**
     * Log of the softmax along {@code axis}, computed as {@code a - logSumExp(a)} (no log of a rounded-to-zero
     * probability).
     *
     * @param a    the input
     * @param axis the axis to normalise over; negative counts from the end
     * @return log-probabilities, shaped like {@code a}
     */
    public static Var logSoftmax(Var a, int axis) { return new Softmax(axis, true).apply1(a); }

    // ---------------------------------------------------------------- reductions
    /**
     * The sum of every element.
     *
     * @param a the input
     * @return a scalar (rank 0)
     */
    public static Var sum(Var a) { return new Sum(null, false).apply1(a); }
    /**
     * The sum over {@code axes}.
     *
     * @param a       the input
     * @param axes    the axes to reduce; negative counts from the end; null or empty reduces all
     * @param keepdim whether the reduced axes stay as size 1 (true) or are removed
     * @return the sums
     */
    public static Var sum(Var a, int[] axes, boolean keepdim) { return new Sum(axes, keepdim).apply1(a); }
    /**
     * The maximum over {@code axes}; the gradient goes to the maxima (shared among ties).
     *
     * @param a       the input
     * @param axes    the axes to reduce; negative counts from the end; null or empty reduces all
     * @param keepdim whether the reduced axes stay as size 1 (true) or are removed
     * @return the maxima
     */
    public static Var max(Var a, int[] axes, boolean keepdim) { return new Max(axes, keepdim).apply1(a); }

    /**
     * The mean of every element (0 for an empty input).
     *
     * @param a the input
     * @return a scalar (rank 0)
     */
    public static Var mean(Var a) { return mul(sum(a), 1.0 / Math.max(1, a.value().numel())); }

    /**
     * The mean over {@code axes}.
     *
     * @param a       the input
     * @param axes    the axes to reduce; negative counts from the end; null or empty reduces all
     * @param keepdim whether the reduced axes stay as size 1 (true) or are removed
     * @return the means
     */
    public static Var mean(Var a, int[] axes, boolean keepdim) {
        long n = count(a.shape(), axes);
        return mul(sum(a, axes, keepdim), 1.0 / Math.max(1, n));
    }

    /**
     * Variance dividing by {@code N - correction} (1 is PyTorch's default, 0 the population variance).
     *
     * @param a          the input
     * @param axes       the axes to reduce; negative counts from the end; null or empty reduces all
     * @param keepdim    whether the reduced axes stay as size 1 (true) or are removed
     * @param correction subtracted from the count: 1 for the sample variance, 0 for the population variance
     * @return the variances
     */
    public static Var var(Var a, int[] axes, boolean keepdim, int correction) {
        long n = count(a.shape(), axes);
        Var d = sub(a, mean(a, axes, true));
        return mul(sum(square(d), axes, keepdim), 1.0 / Math.max(1, n - correction));
    }

    /**
     * {@code log Σ exp(a)} over {@code axes}, shifted by the (constant) maximum for stability.
     *
     * @param a       the input
     * @param axes    the axes to reduce; negative counts from the end; null or empty reduces all
     * @param keepdim whether the reduced axes stay as size 1 (true) or are removed
     * @return the log-sum-exps, finite even where {@code exp(a)} would overflow
     */
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
    /**
     * Matrix product over the last two axes: {@code (..., M, K) × (..., K, N) → (..., M, N)}, leading axes broadcast.
     * Both operands need at least two dimensions (reshape a vector to (1, n) or (n, 1)).
     *
     * @param a the left matrix or batch of matrices
     * @param b the right matrix or batch of matrices; its {@code K} must match {@code a}'s
     * @return the product
     * @throws IllegalArgumentException when an operand has fewer than two dimensions
     */
    public static Var matmul(Var a, Var b) { return new MatMul().apply1(a, b); }
    /**
     * The same elements in a new shape, row-major (a view when {@code a} is contiguous).
     *
     * @param a     the input
     * @param shape the new shape, same element count; one entry may be -1 (inferred)
     * @return {@code a} reshaped
     */
    public static Var reshape(Var a, long... shape) { return new Reshape(shape).apply1(a); }
    /**
     * Reorders the axes: result axis {@code i} is {@code a}'s axis {@code order[i]} (a view).
     *
     * @param a     the input
     * @param order a permutation of the axes
     * @return the permuted view
     */
    public static Var permute(Var a, int... order) { return new Permute(order).apply1(a); }

    /**
     * Swaps two axes (a view).
     *
     * @param a the input
     * @param x an axis; negative counts from the end
     * @param y the other axis
     * @return {@code a} with axes {@code x} and {@code y} swapped
     */
    public static Var transpose(Var a, int x, int y) {
        int r = a.shape().length;
        int[] order = java.util.stream.IntStream.range(0, r).toArray();
        int i = x < 0 ? x + r : x, j = y < 0 ? y + r : y;
        order[i] = j;
        order[j] = i;
        return permute(a, order);
    }

    /**
     * The elements {@code start, start + step, …} before {@code end} along {@code axis} (a view; Python's {@code
     * a[start:end:step]}).
     *
     * @param a     the input
     * @param axis  the axis to slice
     * @param start the first index, inclusive
     * @param end   the end index, exclusive
     * @param step  the stride between kept indices, positive
     * @return the slice; its gradient is zero outside it
     */
    public static Var slice(Var a, int axis, long start, long end, long step) { return new Slice(axis, start, end, step).apply1(a); }
    /**
     * Broadcasts {@code a} to {@code shape} without copying (size-1 axes repeat; new axes are added in front). The
     * backward sums over the repeats.
     *
     * @param a     the input
     * @param shape the target shape; {@code a}'s shape must broadcast to it
     * @return the broadcast view
     */
    public static Var expand(Var a, long... shape) { return new Expand(shape).apply1(a); }
    /**
     * Joins {@code parts} along an existing axis.
     *
     * @param axis  the axis to join along
     * @param parts the pieces, equal in every other axis
     * @return the concatenation
     */
    public static Var concat(int axis, Var... parts) { return new Concat(axis).apply1(parts); }

    /**
     * Inserts an axis of size 1.
     *
     * @param a    the input
     * @param axis where the new axis goes, 0 to rank; negative counts from the end
     * @return a view of rank + 1
     */
    public static Var unsqueeze(Var a, int axis) {
        long[] s = a.shape();
        int ax = axis < 0 ? axis + s.length + 1 : axis;
        long[] t = new long[s.length + 1];
        for (int i = 0, j = 0; i < t.length; i++) t[i] = i == ax ? 1 : s[j++];
        return reshape(a, t);
    }

    /**
     * Removes an axis of size 1.
     *
     * @param a    the input
     * @param axis the axis to remove; negative counts from the end
     * @return a view of rank - 1
     * @throws IllegalArgumentException when that axis is not of size 1
     */
    public static Var squeeze(Var a, int axis) {
        long[] s = a.shape();
        int ax = axis < 0 ? axis + s.length : axis;
        if (s[ax] != 1) throw new IllegalArgumentException("squeeze: axis " + axis + " has size " + s[ax] + ", not 1");
        long[] t = new long[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != ax) t[j++] = s[i];
        return reshape(a, t);
    }

    /**
     * Joins {@code parts} along a new axis (each unsqueezed, then concatenated).
     *
     * @param axis  where the new axis goes
     * @param parts the pieces, all of the same shape
     * @return the stack, with a new axis of size {@code parts.length}
     */
    public static Var stack(int axis, Var... parts) {
        Var[] u = new Var[parts.length];
        for (int i = 0; i < parts.length; i++) u[i] = unsqueeze(parts[i], axis);
        return concat(axis, u);
    }

    /**
     * The slices {@code index[i]} of {@code a} along {@code axis}, in order (repeats allowed; their gradients add).
     *
     * @param a     the input
     * @param axis  the axis to index
     * @param index integer positions (1-D), each within the axis
     * @return {@code a} with {@code axis} replaced by {@code index.length} entries
     */
    public static Var indexSelect(Var a, int axis, Tensor index) { return new IndexSelect(axis, index).apply1(a); }

    /**
     * {@code out[..i..] = a[..index[..i..]..]} along {@code axis} (like {@code torch.gather}).
     *
     * @param a     the input
     * @param axis  the axis to gather along
     * @param index integer positions, of {@code a}'s rank; each within the axis
     * @return the gathered values, shaped like {@code index}
     */
    public static Var gather(Var a, int axis, Tensor index) { return new Gather(axis, index).apply1(a); }

    /**
     * Rows of {@code table} (vocabulary, dim) for integer {@code ids} of any shape: result {@code ids.shape + (dim)}.
     *
     * @param table the embedding table (vocabulary, dim)
     * @param ids   token ids, each in [0, vocabulary)
     * @return the rows, {@code ids.shape + (dim)}; the table's gradient adds up the rows' gradients
     */
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
     *
     * @param x        the input (N, H, W, C)
     * @param kernel   the kernel (KH, KW, C, F)
     * @param strides  the step between windows (height, width)
     * @param dilation the spacing of kernel taps (height, width); 1 is a dense kernel
     * @param padding  {@code VALID} (no padding) or {@code SAME} (output size {@code ceil(H / stride)})
     * @return the output (N, OH, OW, F)
     * @throws IllegalArgumentException when the shapes are not (N, H, W, C) and (KH, KW, C, F) with the same C
     */
    public static Var conv2d(Var x, Var kernel, int[] strides, int[] dilation, Padding padding) {
        long[] k = kernelShape(x, kernel);
        return new Conv2d((int) k[0], (int) k[1], strides[0], strides[1], dilation[0], dilation[1],
                padding.geometry()).apply1(x, kernel);
    }

    /**
     * A Conv2D layer's forward in one op: {@link #conv2d} then {@code + bias (F)}, then {@code max(·, 0)} when
     * {@code relu}; the epilogue runs on each block of images while it is in cache.
     *
     * @param x        the input (N, H, W, C)
     * @param kernel   the kernel (KH, KW, C, F)
     * @param bias     the bias (F)
     * @param strides  the step between windows (height, width)
     * @param dilation the spacing of kernel taps (height, width); 1 is a dense kernel
     * @param padding  {@code VALID} (no padding) or {@code SAME} (output size {@code ceil(H / stride)})
     * @param relu     whether to apply {@code max(·, 0)} after the bias
     * @return the output (N, OH, OW, F)
     * @throws IllegalArgumentException when the shapes are not (N, H, W, C) and (KH, KW, C, F) with the same C
     */
    public static Var conv2dBiasAct(Var x, Var kernel, Var bias, int[] strides, int[] dilation, Padding padding,
                                    boolean relu) {
        long[] k = kernelShape(x, kernel);
        return new Conv2d((int) k[0], (int) k[1], strides[0], strides[1], dilation[0], dilation[1],
                padding.geometry(), relu).apply1(x, kernel, bias);
    }

    /**
     * {@link #conv2d} then {@link #maxPool2d}, in one op: each block of images is pooled while its convolution output
     * is in cache, so the full-size output is never stored.
     *
     * @param x           the input (N, H, W, C)
     * @param kernel      the kernel (KH, KW, C, F)
     * @param strides     the convolution's step between windows (height, width)
     * @param dilation    the spacing of kernel taps (height, width); 1 is a dense kernel
     * @param padding     the convolution's padding: {@code VALID} or {@code SAME}
     * @param poolSize    the pooling window (height, width)
     * @param poolStrides the pooling's step between windows (height, width)
     * @param poolPadding the pooling's padding: {@code VALID} or {@code SAME}
     * @return the pooled output (N, PH, PW, F)
     * @throws IllegalArgumentException when the shapes are not (N, H, W, C) and (KH, KW, C, F) with the same C
     */
    public static Var conv2dMaxPool(Var x, Var kernel, int[] strides, int[] dilation, Padding padding,
                                    int[] poolSize, int[] poolStrides, Padding poolPadding) {
        long[] k = kernelShape(x, kernel);
        Conv2d.MaxPool pool = new Conv2d.MaxPool(poolSize[0], poolSize[1], poolStrides[0], poolStrides[1], poolPadding);
        return new Conv2d((int) k[0], (int) k[1], strides[0], strides[1], dilation[0], dilation[1],
                padding.geometry(), pool).apply1(x, kernel);
    }

    /**
     * Transposed 2-D convolution (Keras' Conv2DTranspose, PyTorch's ConvTranspose2d): {@code x (N, H, W, C)},
     * {@code kernel (KH, KW, F, C)}, result {@code (N, OH, OW, F)} with 'valid' {@code OH = H·s + max(KH - s, 0)},
     * 'same' {@code OH = H·s} (see {@link Conv2dTranspose}).
     *
     * @param x       the input (N, H, W, C)
     * @param kernel  the kernel (KH, KW, F, C)
     * @param strides the step between windows (height, width)
     * @param padding {@code VALID} (no padding) or {@code SAME} (output size {@code ceil(H / stride)})
     * @return the output (N, OH, OW, F)
     * @throws IllegalArgumentException when the kernel is not 4-D or does not match the input's channels
     */
    public static Var conv2dTranspose(Var x, Var kernel, int[] strides, Padding padding) {
        long[] k = kernel.shape();
        if (k.length != 4) {
            throw new IllegalArgumentException("conv2d_transpose: kernel must be (KH, KW, F, C), got " + Arrays.toString(k));
        }
        return new Conv2dTranspose((int) k[0], (int) k[1], strides[0], strides[1], padding.geometry()).apply1(x, kernel);
    }

    /**
     * Nearest-neighbour upsampling by integer factors: {@code x (N, H, W, C) → (N, H·fh, W·fw, C)}, each pixel
     * repeated in an {@code fh × fw} block. Composed: a broadcast over two new unit axes, so the backward is the
     * broadcast's sum over each block.
     *
     * @param x  the input (N, H, W, C)
     * @param fh the height factor, at least 1
     * @param fw the width factor, at least 1
     * @return the upsampled input (N, H·fh, W·fw, C)
     * @throws IllegalArgumentException when {@code x} is not 4-D or a factor is below 1
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
     *
     * @param x        the series (B, T, C)
     * @param kernel   the kernel (K, C, F)
     * @param dilation the spacing of taps in steps, at least 1
     * @param causal   left-pad so the output has T steps and sees no future input
     * @return the output (B, T', F)
     * @throws IllegalArgumentException when the shapes do not match, the dilation is below 1, or a valid convolution
     *                                  has no output step
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
    /**
     * One LSTM layer and direction over {@code x (B, T, I)}: {@code {y (B, T, H), hT, cT}} (see {@link Lstm}).
     *
     * @param x       the sequence (B, T, I)
     * @param h0      the initial hidden state (B, H)
     * @param c0      the initial cell state (B, H)
     * @param wIh     the input weights (G·H, I), PyTorch's gate order
     * @param wHh     the recurrent weights (G·H, H)
     * @param bIh     the input bias (G·H)
     * @param bHh     the recurrent bias (G·H)
     * @param reverse whether to run from the last step to the first
     * @return the outputs at every step, the final hidden state and the final cell state; G is 4 (input, forget, cell,
     *         output)
     */
    public static Var[] lstm(Var x, Var h0, Var c0, Var wIh, Var wHh, Var bIh, Var bHh, boolean reverse) {
        return Lstm.lstm(x, h0, c0, wIh, wHh, bIh, bHh, reverse);
    }

    /**
     * One GRU layer and direction over {@code x (B, T, I)}: {@code {y (B, T, H), hT}} (see {@link Gru}).
     *
     * @param x       the sequence (B, T, I)
     * @param h0      the initial hidden state (B, H)
     * @param wIh     the input weights (G·H, I), PyTorch's gate order
     * @param wHh     the recurrent weights (G·H, H)
     * @param bIh     the input bias (G·H)
     * @param bHh     the recurrent bias (G·H)
     * @param reverse whether to run from the last step to the first
     * @return the outputs at every step and the final hidden state; G is 3 (reset, update, new)
     */
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
     *
     * @param x        the input (N, H, W, C)
     * @param kernel   the kernel (KH, KW, C, F)
     * @param strides  the step between windows (height, width)
     * @param dilation the spacing of kernel taps (height, width); 1 is a dense kernel
     * @param padding  {@code VALID} (no padding) or {@code SAME} (output size {@code ceil(H / stride)})
     * @return the output (N, OH, OW, F)
     * @throws IllegalArgumentException when the shapes are not (N, H, W, C) and (KH, KW, C, F) with the same C
     */
    public static Var conv2dComposite(Var x, Var kernel, int[] strides, int[] dilation, Padding padding) {
        long[] k = kernelShape(x, kernel);
        Im2col unfold = new Im2col((int) k[0], (int) k[1], strides[0], strides[1],
                dilation[0], dilation[1], padding.geometry());
        Conv2dShape s = unfold.shapeFor(x.shape());
        Var cols = unfold.apply1(x);
        Var y = matmul(cols, reshape(kernel, k[0] * k[1] * k[2], k[3]));
        return reshape(y, s.n(), s.oh(), s.ow(), k[3]);
    }

    /**
     * Max pooling over {@code size} windows with {@code strides}; 'same' padding never lets the edge win.
     *
     * @param x       the input (N, H, W, C)
     * @param size    the window (height, width)
     * @param strides the step between windows (height, width)
     * @param padding {@code VALID} (no padding) or {@code SAME} (output size {@code ceil(H / stride)})
     * @return the pooled output (N, OH, OW, C)
     */
    public static Var maxPool2d(Var x, int[] size, int[] strides, Padding padding) {
        return new MaxPool2d(size[0], size[1], strides[0], strides[1], padding.geometry()).apply1(x);
    }

    /**
     * Max pooling composed from differentiable patches and a max reduction: the readable reference the
     * {@code MaxPool2d} kernel op is tested against (it shares the gradient among tied maxima instead of
     * giving it to the first).
     *
     * @param x       the input (N, H, W, C)
     * @param size    the window (height, width)
     * @param strides the step between windows (height, width)
     * @param padding {@code VALID} (no padding) or {@code SAME} (output size {@code ceil(H / stride)})
     * @return the pooled output (N, OH, OW, C)
     */
    public static Var maxPool2dComposite(Var x, int[] size, int[] strides, Padding padding) {
        return pool(x, size, strides, padding, true);
    }

    /**
     * Average pooling; with 'same' padding each window averages only its in-bounds pixels (Keras' rule).
     *
     * @param x       the input (N, H, W, C)
     * @param size    the window (height, width)
     * @param strides the step between windows (height, width)
     * @param padding {@code VALID} (no padding) or {@code SAME} (output size {@code ceil(H / stride)})
     * @return the pooled output (N, OH, OW, C)
     */
    public static Var avgPool2d(Var x, int[] size, int[] strides, Padding padding) {
        return pool(x, size, strides, padding, false);
    }

    /**
     * Max pooling without padding ('valid').
     *
     * @param x       the input (N, H, W, C)
     * @param size    the window (height, width)
     * @param strides the step between windows (height, width)
     * @return the pooled output (N, OH, OW, C)
     */
    public static Var maxPool2d(Var x, int[] size, int[] strides) {
        return maxPool2d(x, size, strides, Padding.VALID);
    }

    /**
     * Average pooling without padding ('valid').
     *
     * @param x       the input (N, H, W, C)
     * @param size    the window (height, width)
     * @param strides the step between windows (height, width)
     * @return the pooled output (N, OH, OW, C)
     */
    public static Var avgPool2d(Var x, int[] size, int[] strides) {
        return avgPool2d(x, size, strides, Padding.VALID);
    }

    private static Var pool(Var x, int[] size, int[] strides, Padding padding, boolean max) {
        Im2col unfold = new Im2col(size[0], size[1], strides[0], strides[1], 1, 1,
                padding.geometry(), max ? Double.NEGATIVE_INFINITY : 0.0);
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
                        strides[1], 1, 1, padding.geometry(), 0.0);
                Tensor c = countUnfold.apply1(Var.of(ones)).value();
                counts = c.sum(new int[] {1}, false).reshape(1, (long) s.oh() * s.ow(), 1);
            }
            Var sums = reshape(sum(windows, new int[] {1}, false), s.n(), (long) s.oh() * s.ow(), s.c());
            pooled = div(sums, Var.of(counts));
        }
        return reshape(pooled, s.n(), s.oh(), s.ow(), s.c());
    }

    // ---------------------------------------------------------------- regularisation
    /**
     * Inverted dropout: zeroes each element with probability {@code p} and scales the rest by 1/(1-p); identity when not training.
     *
     * @param a        the input
     * @param p        the drop probability, in [0, 1)
     * @param training whether to drop (false returns {@code a} itself)
     * @param rng      draws the mask
     * @return the masked, rescaled input, shaped like {@code a}
     * @throws IllegalArgumentException when {@code p} is outside [0, 1)
     */
    public static Var dropout(Var a, double p, boolean training, Rng rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + p);
        if (!training || p == 0) return a;
        try (Tensor u = Tensor.rand(rng, a.value().dtype(), a.shape()); Tensor keep = u.ge(p); Tensor kf = keep.to(a.value().dtype())) {
            return mul(a, Var.of(kf.mul(1.0 / (1 - p))));
        }
    }

    /**
     * The L1 penalty {@code Σ |w|} (a regularizer; scale it by the factor yourself).
     *
     * @param w the weights
     * @return a scalar
     */
    public static Var l1(Var w) { return sum(abs(w)); }
    /**
     * The L2 penalty {@code Σ w²} (a regularizer; scale it by the factor yourself).
     *
     * @param w the weights
     * @return a scalar
     */
    public static Var l2(Var w) { return sum(square(w)); }

    // ---------------------------------------------------------------- losses (means over the batch)
    /**
     * Sparse categorical cross-entropy from logits (N, C) and integer labels (N).
     *
     * @param logits unnormalised scores (N, C)
     * @param labels class indices (N), integer, each in [0, C)
     * @return the mean loss over the batch, a scalar
     */
    public static Var crossEntropyFromLogits(Var logits, Tensor labels) { return new SoftmaxCrossEntropy(labels).apply1(logits); }

    /**
     * Categorical cross-entropy from logits (N, C) and one-hot (or soft) targets (N, C).
     *
     * @param logits  unnormalised scores (N, C)
     * @param targets target distributions (N, C), rows summing to 1
     * @return the mean loss over the batch, a scalar
     */
    public static Var crossEntropyFromLogitsOneHot(Var logits, Tensor targets) {
        Var lp = logSoftmax(logits, 1);
        return mul(sum(mul(lp, Var.of(targets))), -1.0 / logits.shape()[0]);
    }

    /**
     * Sparse categorical cross-entropy from probabilities (N, C), clipped to [eps, 1-eps] like Keras.
     *
     * @param probs  probabilities (N, C), e.g. a softmax output
     * @param labels class indices (N), each in [0, C)
     * @param eps    the clipping margin, e.g. 1e-7
     * @return the mean loss over the batch, a scalar
     */
    public static Var crossEntropyFromProbs(Var probs, Tensor labels, double eps) {
        try (Tensor lab = labels.to(DType.I64); Tensor oh = lab.oneHot((int) probs.shape()[1])) {
            Var logp = log(clamp(probs, eps, 1 - eps));
            return mul(sum(mul(logp, Var.of(oh.to(probs.value().dtype())))), -1.0 / probs.shape()[0]);
        }
    }

    /**
     * Binary cross-entropy of probabilities against targets in [0, 1], probabilities clipped to [eps, 1-eps].
     *
     * @param probs   probabilities, e.g. a sigmoid output
     * @param targets targets in [0, 1], shaped like {@code probs}
     * @param eps     the clipping margin, e.g. 1e-7
     * @return the mean loss over every element, a scalar
     */
    public static Var binaryCrossEntropy(Var probs, Var targets, double eps) {
        Var p = clamp(probs, eps, 1 - eps);
        Var pos = mul(targets, log(p));
        Var neg = mul(add(neg(targets), 1), log(add(neg(p), 1)));
        return neg(mean(add(pos, neg)));
    }

    /**
     * Mean squared error, {@code mean((pred - target)²)}.
     *
     * @param pred   the predictions
     * @param target the targets, broadcast against {@code pred}
     * @return a scalar
     */
    public static Var mse(Var pred, Var target) { return mean(square(sub(pred, target))); }
    /**
     * Mean absolute error, {@code mean(|pred - target|)}.
     *
     * @param pred   the predictions
     * @param target the targets, broadcast against {@code pred}
     * @return a scalar
     */
    public static Var mae(Var pred, Var target) { return mean(abs(sub(pred, target))); }

    /**
     * Huber loss: quadratic below {@code delta}, linear above (Keras' definition).
     *
     * @param pred   the predictions
     * @param target the targets, broadcast against {@code pred}
     * @param delta  where the loss turns from quadratic to linear, positive
     * @return the mean loss, a scalar
     */
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
     *
     * @param x     the queries or keys (..., T, D), D even
     * @param start the position of the first step (the cache length when decoding)
     * @param base  the frequency base, 10,000 in most models
     * @return the rotated input, shaped like {@code x}
     * @throws IllegalArgumentException when {@code x} has rank below 2 or an odd last axis
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
    /**
     * Normalises over the last {@code dims} dimensions, then scales and shifts: {@code (x - μ)/sqrt(σ² + eps)·γ + β}.
     *
     * @param x     the input (..., D1, ..., Dk)
     * @param dims  how many trailing axes to normalise over (k)
     * @param gamma the scale, shaped like the normalised axes
     * @param beta  the shift, shaped like the normalised axes
     * @param eps   added to the variance, e.g. 1e-5
     * @return the normalised input, shaped like {@code x}
     */
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
     *
     * @param x           the input (..., C)
     * @param gamma       the scale (C)
     * @param beta        the shift (C)
     * @param runningMean the running mean (C); updated in place when training
     * @param runningVar  the running (population) variance (C); updated in place when training
     * @param training    whether to use and update the batch statistics
     * @param momentum    the weight of the old running value, e.g. 0.99
     * @param eps         added to the variance, e.g. 1e-3
     * @return the normalised input, shaped like {@code x}
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

    /**
     * {@link #batchNorm} in training mode composed from reductions and elementwise ops: the fused op's reference.
     *
     * @param x           the input (..., C)
     * @param gamma       the scale (C)
     * @param beta        the shift (C)
     * @param runningMean the running mean (C); updated in place when training
     * @param runningVar  the running (population) variance (C); updated in place when training
     * @param momentum    the weight of the old running value, e.g. 0.99
     * @param eps         added to the variance, e.g. 1e-3
     * @return the normalised input, shaped like {@code x}
     */
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
    /**
     * Result of {@link #valueAndGrad}: the function's value and the gradient of each parameter.
     *
     * @param value the function's value, a scalar
     * @param grads the gradient of each parameter, in order and of its shape (zeros where it does not flow)
     */
    public record ValueAndGrad(Tensor value, Tensor[] grads) {}

    /**
     * Evaluates the scalar {@code fn} at {@code params} and returns its value and gradients, leaving the
     * parameters' own accumulated gradients untouched (like {@code jax.value_and_grad}).
     *
     * @param fn     the function of the parameters, returning a scalar
     * @param params the points to evaluate at
     * @return the value and the gradients, owned by the caller
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
