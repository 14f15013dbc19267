package dev.panamax.tensors;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.Elementwise;
import dev.panamax.kernels.Fused;
import dev.panamax.kernels.OptimizerUpdate;
import dev.panamax.kernels.Reduce;
import dev.panamax.kernels.spec.ReduceOp;
import dev.panamax.kernels.SoftmaxCrossEntropy;
import dev.panamax.kernels.spec.UnaryOp;
import dev.panamax.kernels.activation.BiasGelu;
import dev.panamax.kernels.activation.Gelu;
import dev.panamax.kernels.spec.Conv2dShape;
import dev.panamax.kernels.conv.Im2col;
import dev.panamax.kernels.conv.MaxPool;
import dev.panamax.kernels.gemm.Gemm;
import dev.panamax.kernels.gemm.GemmConfig;
import dev.panamax.kernels.gemm.PackedB;
import dev.panamax.kernels.norm.BatchNorm;
import dev.panamax.kernels.norm.LayerNorm;
import dev.panamax.kernels.norm.RmsNorm;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The primitive kernels every op runs on, and the one place that decides which implementation serves a call:
 * a Vector API kernel, its scalar twin (F64, views), OpenBLAS, or a composite of other primitives. Autodiff ops
 * and tensor methods ask a tensor's {@link Device} for its backend ({@link #of}) and make one call each way.
 *
 * <p>The default methods are the host-memory implementation (Vector API kernels for F32, their scalar twins for
 * F64, composites where no kernel exists), which a backend whose tensors live in host memory inherits; {@code
 * CpuBackend} overrides the matrix products to send large ones to OpenBLAS. A backend for another device
 * overrides every method. Backends are found with {@link java.util.ServiceLoader} ({@code
 * META-INF/services/dev.panamax.tensors.Backend}), one per device.
 *
 * <p>Contract, unless a method says otherwise:
 * <ul>
 *   <li>Shapes: checked by the caller (the op's shape rule); a backend may assume them.</li>
 *   <li>Layout: raw-memory methods take row-major data, element offsets and leading dimensions in elements;
 *       tensor methods accept any strides and return new contiguous tensors owned by the caller's scope.</li>
 *   <li>Aliasing: outputs never alias inputs unless the method says so.</li>
 *   <li>Threading: a call may split its work over the kernel pool ({@code kernels.Parallel}); it returns when
 *       all of it is done. Calls are safe from several threads on distinct outputs.</li>
 *   <li>Precision: F32 and F64; integer tensors only where a method names them (indices, argmax).</li>
 * </ul>
 */
public interface Backend {
    /**
     * The backend serving tensors on {@code device}.
     *
     * @param device the device
     * @return its backend
     */
    static Backend forDevice(Device device) {
        return BackendRegistry.of(device);
    }

    /**
     * The backend serving {@code t}'s device.
     *
     * @param t a tensor
     * @return the backend of the tensor's device
     */
    static Backend of(Tensor t) {
        return BackendRegistry.of(t.device());
    }

    /** {@return the device whose memory this backend computes on} */
    Device device();

    /** {@return a short name for {@code panamax doctor} and benchmark reports} */
    String name();

    // ------------------------------------------------------------------ matrix products (raw memory)

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, F32, row-major; C is not read when {@code beta == 0}.
     *
     * @param transA whether A is read transposed (op(A) = Aᵀ)
     * @param transB whether B is read transposed
     * @param m      rows of op(A) and C
     * @param n      columns of op(B) and C
     * @param k      columns of op(A), rows of op(B)
     * @param alpha  the product's factor
     * @param a      A's memory
     * @param aOff   A's first element, in elements
     * @param lda    A's leading dimension (row stride), in elements
     * @param b      B's memory
     * @param bOff   B's first element, in elements
     * @param ldb    B's leading dimension, in elements
     * @param beta   C's factor; 0 means C is only written
     * @param c      C's memory
     * @param cOff   C's first element, in elements
     * @param ldc    C's leading dimension, in elements
     */
    default void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff, long lda,
                       MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc) {
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * {@link #sgemm} in F64.
     *
     * @param transA whether A is read transposed (op(A) = Aᵀ)
     * @param transB whether B is read transposed
     * @param m      rows of op(A) and C
     * @param n      columns of op(B) and C
     * @param k      columns of op(A), rows of op(B)
     * @param alpha  the product's factor
     * @param a      A's memory
     * @param aOff   A's first element, in elements
     * @param lda    A's leading dimension (row stride), in elements
     * @param b      B's memory
     * @param bOff   B's first element, in elements
     * @param ldb    B's leading dimension, in elements
     * @param beta   C's factor; 0 means C is only written
     * @param c      C's memory
     * @param cOff   C's first element, in elements
     * @param ldc    C's leading dimension, in elements
     */
    default void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff, long lda,
                       MemorySegment b, long bOff, long ldb, double beta, MemorySegment c, long cOff, long ldc) {
        Gemm.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Independent F32 products of one shape at the given offsets (repeated A/B offsets broadcast; C offsets distinct).
     *
     * @param transA whether A is read transposed (op(A) = Aᵀ)
     * @param transB whether B is read transposed
     * @param m      rows of op(A) and C
     * @param n      columns of op(B) and C
     * @param k      columns of op(A), rows of op(B)
     * @param alpha  the product's factor
     * @param a      A's memory
     * @param aOffs  A's first element for each product
     * @param lda    A's leading dimension (row stride), in elements
     * @param b      B's memory
     * @param bOffs  B's first element for each product
     * @param ldb    B's leading dimension, in elements
     * @param beta   C's factor; 0 means C is only written
     * @param c      C's memory
     * @param cOffs  C's first element for each product, all distinct
     * @param ldc    C's leading dimension, in elements
     */
    default void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long[] aOffs,
                              long lda, MemorySegment b, long[] bOffs, long ldb, float beta, MemorySegment c, long[] cOffs, long ldc) {
        Gemm.sgemmBatched(transA, transB, m, n, k, alpha, a, aOffs, lda, b, bOffs, ldb, beta, c, cOffs, ldc);
    }

    /**
     * The gradients of a matrix product {@code a (M, K)·b (K, N)} from the upstream {@code g (M, N)}:
     * {@code {dA = g·bᵀ, dB = aᵀ·g}}, each only when wanted (null otherwise); any layouts. The two products are
     * independent: the host runs them side by side, one per core, when both are wanted (F32, operands readable in
     * place), instead of each split across the cores in turn.
     *
     * @param g     the upstream gradient (M, N)
     * @param a     the forward's left operand (M, K)
     * @param b     the forward's right operand (K, N)
     * @param wantA whether dA is needed
     * @param wantB whether dB is needed
     * @return {@code {dA, dB}}, new tensors owned by the caller (null where not wanted)
     */
    default Tensor[] matmulGradients(Tensor g, Tensor a, Tensor b, boolean wantA, boolean wantB) {
        return LinalgOps.matmulGradients(g, a, b, wantA, wantB);
    }

    // ------------------------------------------------------------------ elementwise and reductions (contiguous runs)

    /**
     * {@code out[i] = op(a[i], b[i])} for {@code i < n}; {@code out} may alias {@code a} or {@code b}.
     *
     * @param op  the operation
     * @param t   the element type (F32 or F64)
     * @param out the output memory
     * @param o   the output's first element
     * @param a   the first operand's memory
     * @param ao  its first element
     * @param b   the second operand's memory
     * @param bo  its first element
     * @param n   how many elements
     */
    default void binary(BinaryOp op, DType t, MemorySegment out, long o, MemorySegment a, long ao, MemorySegment b, long bo, long n) {
        if (t == DType.F32) Elementwise.binaryF32(op, out, o, a, ao, b, bo, n);
        else if (t == DType.F64) Elementwise.binaryF64(op, out, o, a, ao, b, bo, n);
        else throw new IllegalArgumentException(op + ": floating-point kernels only, got " + t);
    }

    /**
     * {@code out[i] = op(a[i])} for {@code i < n}; {@code out} may alias {@code a}.
     *
     * @param op  the operation
     * @param t   the element type (F32 or F64)
     * @param out the output memory
     * @param o   the output's first element
     * @param a   the operand's memory
     * @param ao  its first element
     * @param n   how many elements
     */
    default void unary(UnaryOp op, DType t, MemorySegment out, long o, MemorySegment a, long ao, long n) {
        if (t == DType.F32) Elementwise.unaryF32(op, out, o, a, ao, n);
        else if (t == DType.F64) Elementwise.unaryF64(op, out, o, a, ao, n);
        else throw new IllegalArgumentException(op + ": floating-point kernels only, got " + t);
    }

    /**
     * {@code op} over {@code a[off, off + n)}.
     *
     * @param op  the operation
     * @param t   the element type (F32 or F64)
     * @param a   the memory
     * @param off the first element, in elements
     * @param n   how many elements
     * @return the result
     */
    default double reduce(ReduceOp op, DType t, MemorySegment a, long off, long n) {
        return t == DType.F32 ? Reduce.reduceF32(op, a, off, n) : Reduce.reduceF64(op, a, off, n);
    }

    /**
     * {@code Σ a[i]²} over {@code a[off, off + n)} in one pass (F32 or F64): a squared norm without temporaries.
     *
     * @param t   the element type (F32 or F64)
     * @param a   the memory
     * @param off the first element, in elements
     * @param n   how many elements
     * @return the sum
     */
    default double sumOfSquares(DType t, MemorySegment a, long off, long n) {
        if (!t.isFloating()) throw new IllegalArgumentException("sumOfSquares: floating-point kernels only, got " + t);
        return Reduce.sumOfSquares(t.byteSize(), a, off, n);
    }

    /**
     * Index (from {@code off}) of the first maximum ({@code max}) or minimum of {@code a[off, off + n)}; NaN wins.
     *
     * @param max the maximum when true, the minimum when false
     * @param t   the element type (F32 or F64)
     * @param a   the memory
     * @param off the first element, in elements
     * @param n   how many elements
     * @return the index, relative to {@code off}
     */
    default long argReduce(boolean max, DType t, MemorySegment a, long off, long n) {
        return t == DType.F32 ? Reduce.argF32(max, a, off, n) : Reduce.argF64(max, a, off, n);
    }

    // ------------------------------------------------------------------ softmax

    /**
     * Softmax (or log-softmax when {@code log}) along {@code axis}, max-shifted so large inputs cannot overflow.
     *
     * @param x    the input
     * @param axis the axis; negative counts from the end
     * @param log  log-softmax instead of softmax
     * @return a new tensor owned by the caller
     */
    default Tensor softmax(Tensor x, int axis, boolean log) {
        if (x.dtype() == DType.F32 && x.isContiguous() && x.rank() > 0 && (axis == -1 || axis == x.rank() - 1)) {
            // Rows of the last axis: the fused kernels, one pass per row instead of five tensor ops.
            long cols = x.dim(x.rank() - 1), rows = cols == 0 ? 0 : x.numel() / cols;
            Tensor y = Tensor.empty(x.dtype(), x.shape());
            if (log) Fused.logSoftmaxRows(y.segment(), 0, x.segment(), x.offset(), rows, cols);
            else Fused.softmaxRows(y.segment(), 0, x.segment(), x.offset(), rows, cols);
            return y;
        }
        int[] ax = {axis};
        try (Tensor m = x.max(ax, true); Tensor shifted = x.sub(m); Tensor e = shifted.exp(); Tensor s = e.sum(ax, true)) {
            if (!log) return e.div(s);
            try (Tensor ls = s.log()) {
                return shifted.sub(ls);
            }
        }
    }

    /**
     * From the output {@code y} of {@link #softmax}: {@code y·(g - Σ g·y)}, or {@code g - exp(y)·Σ g} when {@code log}.
     *
     * @param g    the upstream gradient, shaped like the forward output
     * @param y    the forward output
     * @param axis the axis; negative counts from the end
     * @param log  log-softmax instead of softmax
     * @return a new tensor owned by the caller
     */
    default Tensor softmaxBackward(Tensor g, Tensor y, int axis, boolean log) {
        int[] ax = {axis};
        if (log) {
            try (Tensor s = g.sum(ax, true); Tensor p = y.exp(); Tensor ps = p.mul(s)) {
                return g.sub(ps);
            }
        }
        try (Tensor gy = g.mul(y); Tensor s = gy.sum(ax, true); Tensor d = g.sub(s)) {
            return y.mul(d);
        }
    }

    /**
     * Mean sparse categorical cross-entropy of {@code logits (N, C)} against integer {@code labels (N)}, and its
     * gradient: {@code {loss (a 0-d tensor) = mean_r(logsumexp(z_r) - z_r[label_r]), dlogits (N, C) = (softmax(z) -
     * onehot(labels))/N}}. F32 and contiguous: one pass per row ({@code kernels.SoftmaxCrossEntropy}); otherwise
     * max-shifted tensor ops in the logits' precision. Labels outside {@code [0, C)} are refused.
     *
     * @param logits the scores (N, C)
     * @param labels the class indices (N), integer
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] softmaxCrossEntropy(Tensor logits, Tensor labels) {
        long n = logits.dim(0), c = logits.dim(1);
        try (Tensor lab = labels.to(DType.I64); Tensor lc = lab.contiguous()) {
            if (logits.dtype() == DType.F32 && logits.isContiguous() && n > 0) {
                Tensor grad = Tensor.empty(DType.F32, n, c);
                double loss = SoftmaxCrossEntropy.forwardBackward(logits.segment(), logits.offset(), lc.segment(), lc.offset(), (int) n, (int) c,
                        grad.segment(), 0, 1f);
                return new Tensor[] {Tensor.scalar(loss, DType.F32), grad};
            }
            try (Tensor onehot = lc.oneHot((int) c); Tensor oh = onehot.to(logits.dtype()); Tensor m = logits.max(new int[] {1}, true);
                 Tensor sh = logits.sub(m); Tensor e = sh.exp(); Tensor s = e.sum(new int[] {1}, true); Tensor ls = s.log();
                 Tensor logp = sh.sub(ls); Tensor picked = logp.mul(oh); Tensor tot = picked.sum(); Tensor p = e.div(s);
                 Tensor d = p.sub(oh)) {
                return new Tensor[] {tot.mul(-1.0 / n), d.mul(1.0 / n)};
            }
        }
    }

    /**
     * {@code x (…, k) · w (k, n)} for a weight matrix that many calls read: a new tensor {@code (…, n)}. F32 products
     * of fewer than {@code GemmConfig.OPENBLAS_MIN_ROWS} rows (one sentence through a transformer) read {@code w}
     * from a copy packed once for the Java GEMM ({@code kernels.gemm.PackedB}), which saves packing it on every
     * call; everything else is {@link Tensor#matmul} of {@code x}'s rows by {@code w}.
     *
     * @param x the input (…, k)
     * @param w the weight matrix (k, n), wrapped for reuse
     * @return a new tensor owned by the caller
     */
    default Tensor matmul(Tensor x, PackedWeights w) {
        Tensor wt = w.weights();
        long k = wt.dim(0), n = wt.dim(1);
        if (x.rank() < 1 || x.dim(x.rank() - 1) != k) {
            throw new IllegalArgumentException("matmul: x " + Arrays.toString(x.shape()) + " by weights " + Arrays.toString(wt.shape()));
        }
        long m = x.numel() / Math.max(1, k);
        long[] shape = x.shape();
        shape[shape.length - 1] = n;
        if (x.dtype() == DType.F32 && wt.dtype() == DType.F32 && x.isContiguous() && m < GemmConfig.OPENBLAS_MIN_ROWS && k > 0 && n > 0) {
            PackedB packed = w.layout(PackedB.class, Backend::pack);
            Tensor y = Tensor.empty(DType.F32, shape);
            Gemm.sgemmPacked(false, (int) m, 1f, x.segment(), x.offset(), k, packed, 0f, y.segment(), 0, n);
            return y;
        }
        try (Tensor xc = x.contiguous(); Tensor x2 = xc.reshape(m, k); Tensor y = x2.matmul(wt)) {
            return y.reshape(shape);
        }
    }

    private static PackedB pack(Tensor w) {
        try (Tensor c = w.contiguous()) {
            return PackedB.pack(false, (int) c.dim(0), (int) c.dim(1), c.segment(), c.offset(), Math.max(1, c.dim(1)));
        }
    }

    // ------------------------------------------------------------------ activations

    /**
     * GELU of every element: exact ({@code x·Φ(x)}) or, when {@code tanh}, the tanh approximation.
     *
     * @param x    the input
     * @param tanh the tanh approximation instead of the exact form
     * @return a new tensor owned by the caller
     */
    default Tensor gelu(Tensor x, boolean tanh) {
        Tensor y = Tensor.empty(x.dtype(), x.shape());
        try (Tensor xc = x.contiguous()) {
            Gelu.forward(x.dtype().byteSize(), tanh, y.segment(), 0, xc.segment(), xc.offset(), x.numel());
        }
        return y;
    }

    /**
     * {@code g·gelu'(x)} for the form of {@link #gelu}.
     *
     * @param g    the upstream gradient, shaped like the forward output
     * @param x    the forward input
     * @param tanh the tanh approximation instead of the exact form
     * @return a new tensor owned by the caller
     */
    default Tensor geluBackward(Tensor g, Tensor x, boolean tanh) {
        Tensor dx = Tensor.empty(x.dtype(), x.shape());
        try (Tensor gc = g.contiguous(); Tensor xc = x.contiguous()) {
            Gelu.backward(x.dtype().byteSize(), tanh, dx.segment(), 0, gc.segment(), gc.offset(), xc.segment(), xc.offset(), x.numel());
        }
        return dx;
    }

    /**
     * {@code gelu(x + bias)} (exact, or the tanh form when {@code tanh}), the bias over the last axis: contiguous
     * tensors in one pass ({@code kernels.activation.BiasGelu}), the biased sum never stored; otherwise a bias add,
     * then {@link #gelu}.
     *
     * @param x    the input (…, C)
     * @param bias the bias over the last axis (C)
     * @param tanh the tanh approximation instead of the exact form
     * @return a new tensor owned by the caller
     */
    default Tensor biasGelu(Tensor x, Tensor bias, boolean tanh) {
        if (x.isContiguous() && bias.isContiguous() && x.rank() > 0) {
            long cols = x.dim(x.rank() - 1);
            Tensor y = Tensor.empty(x.dtype(), x.shape());
            BiasGelu.forward(x.dtype().byteSize(), tanh, y.segment(), 0, x.segment(), x.offset(), bias.segment(), bias.offset(),
                    x.numel() / Math.max(1, cols), cols);
            return y;
        }
        try (Tensor h = x.add(bias)) {
            return gelu(h, tanh);
        }
    }

    /**
     * {@code {dx, dbias}} of {@link #biasGelu} from the upstream gradient {@code g}: {@code dx = g·gelu'(x + bias)} and
     * {@code dbias} its sum over every axis but the last, recomputing the biased sum instead of storing it.
     *
     * @param g    the upstream gradient, shaped like the forward output
     * @param x    the forward input
     * @param bias the bias over the last axis (C)
     * @param tanh the tanh approximation instead of the exact form
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] biasGeluBackward(Tensor g, Tensor x, Tensor bias, boolean tanh) {
        long cols = x.dim(x.rank() - 1);
        if (x.isContiguous() && bias.isContiguous()) {
            Tensor dx = Tensor.empty(x.dtype(), x.shape()), db = Tensor.empty(x.dtype(), cols);
            try (Tensor gc = g.contiguous()) {
                BiasGelu.backward(x.dtype().byteSize(), tanh, dx.segment(), 0, db.segment(), 0, gc.segment(), gc.offset(), x.segment(), x.offset(),
                        bias.segment(), bias.offset(), x.numel() / Math.max(1, cols), cols);
            }
            return new Tensor[] {dx, db};
        }
        int[] outer = new int[x.rank() - 1];
        Arrays.setAll(outer, i -> i);
        try (Tensor h = x.add(bias)) {
            Tensor dx = geluBackward(g, h, tanh);
            return new Tensor[] {dx, outer.length == 0 ? dx.mul(1.0) : dx.sum(outer, false)};
        }
    }

    // ------------------------------------------------------------------ bias + activation

    /**
     * {@code x + bias} over the last axis, then {@code max(·, 0)} when {@code relu}.
     *
     * @param x    the input (…, C)
     * @param bias the bias over the last axis (C)
     * @param relu whether ReLU follows the bias
     * @return a new tensor owned by the caller
     */
    default Tensor biasAct(Tensor x, Tensor bias, boolean relu) {
        if (x.dtype() == DType.F32 && x.isContiguous() && bias.isContiguous()) {
            long cols = x.dim(x.rank() - 1);
            Tensor y = Tensor.empty(DType.F32, x.shape());
            Fused.biasActRows(y.segment(), 0, x.segment(), x.offset(), bias.segment(), bias.offset(), x.numel() / Math.max(1, cols), cols, relu);
            return y;
        }
        if (!relu) return x.add(bias);
        try (Tensor sum = x.add(bias)) {
            return sum.relu();
        }
    }

    /**
     * Backward of {@link #biasAct}: {@code {dx, dbias}} with {@code dx = g·[y > 0]} ({@code relu}; a new view of g
     * without) and {@code dbias} the sum of dx over every axis but the last. {@code y} is the forward output
     * (read only when {@code relu}); {@code xShape} the input's shape.
     *
     * @param g      the upstream gradient, shaped like the forward output
     * @param y      the forward output
     * @param xShape the forward input's shape
     * @param relu   whether ReLU follows the bias
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] biasActBackward(Tensor g, Tensor y, long[] xShape, boolean relu) {
        long cols = xShape[xShape.length - 1], rows = Shape.numel(xShape) / Math.max(1, cols);
        boolean fused = g.dtype() == DType.F32 && g.isContiguous() && (!relu || y.isContiguous() && y.dtype() == DType.F32);
        if (fused) {
            Tensor gx = relu ? Tensor.empty(DType.F32, xShape) : null;
            Tensor gb = Tensor.empty(DType.F32, cols);
            Fused.biasActBackwardRows(relu ? gx.segment() : null, 0, g.segment(), g.offset(), relu ? y.segment() : g.segment(),
                    relu ? y.offset() : g.offset(), gb.segment(), 0, rows, cols, relu);
            return new Tensor[] {relu ? gx : g.reshape(xShape), gb};
        }
        Tensor gx;
        if (relu) {
            try (Tensor mask = y.gt(0); Tensor m = mask.to(g.dtype())) {
                gx = g.mul(m);
            }
        } else {
            gx = g.reshape(xShape);
        }
        int[] outer = new int[xShape.length - 1];
        Arrays.setAll(outer, i -> i);
        Tensor gb = outer.length == 0 ? gx.mul(1.0) : gx.sum(outer, false);
        return new Tensor[] {gx, gb};
    }

    // ------------------------------------------------------------------ patches and pooling (NHWC)

    /**
     * Patches {@code (N·OH·OW, KH·KW·C)} of {@code x (N, H, W, C)}; {@code pad} where a window hangs over the edge.
     *
     * @param s   the convolution or window geometry
     * @param x   the input (N, H, W, C)
     * @param pad the value of pixels outside the image
     * @return a new tensor owned by the caller
     */
    default Tensor im2col(Conv2dShape s, Tensor x, double pad) {
        Tensor cols = Tensor.empty(x.dtype(), s.patches(), s.patchSize());
        try (Tensor xc = x.contiguous()) {
            Im2col.im2col(s, x.dtype().byteSize(), pad, xc.segment(), xc.offset(), cols.segment(), 0);
        }
        return cols;
    }

    /**
     * The patch gradient folded back onto {@code (N, H, W, C)}; overlapping windows add up.
     *
     * @param s     the convolution or window geometry
     * @param dcols the patch gradient (N·OH·OW, KH·KW·C)
     * @return a new tensor owned by the caller
     */
    default Tensor col2im(Conv2dShape s, Tensor dcols) {
        Tensor dx = Tensor.empty(dcols.dtype(), s.n(), s.h(), s.w(), s.c());
        try (Tensor gc = dcols.contiguous()) {
            Im2col.col2im(s, dcols.dtype() == DType.F64, gc.segment(), gc.offset(), dx.segment(), 0);
        }
        return dx;
    }

    /**
     * {@code {y (N, OH, OW, C), argmax}}: argmax (I32) is each winner's flat index into x; first maximum wins, NaN wins.
     *
     * @param s the convolution or window geometry
     * @param x the input (N, H, W, C)
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] maxPool2d(Conv2dShape s, Tensor x) {
        Tensor y = Tensor.empty(x.dtype(), s.n(), s.oh(), s.ow(), s.c());
        Tensor arg = Tensor.empty(DType.I32, s.n(), s.oh(), s.ow(), s.c());
        try (Tensor xc = x.contiguous()) {
            MaxPool.forward(x.dtype().byteSize(), s, xc.segment(), xc.offset(), y.segment(), 0, arg.segment(), 0);
        }
        return new Tensor[] {y, arg};
    }

    /**
     * {@code dx (N, H, W, C)}: each output gradient routed to its window's winner.
     *
     * @param s      the convolution or window geometry
     * @param g      the upstream gradient (N, OH, OW, C)
     * @param argmax the forward's record of each window's winner
     * @return a new tensor owned by the caller
     */
    default Tensor maxPool2dBackward(Conv2dShape s, Tensor g, Tensor argmax) {
        Tensor dx = Tensor.empty(g.dtype(), s.n(), s.h(), s.w(), s.c());
        try (Tensor gc = g.contiguous(); Tensor ac = argmax.contiguous()) {
            MaxPool.backward(g.dtype().byteSize(), s, gc.segment(), gc.offset(), ac.segment(), ac.offset(), dx.segment(), 0);
        }
        return dx;
    }

    // ------------------------------------------------------------------ convolution (NHWC, kernel (KH, KW, C, F))

    /**
     * {@code {y, argmax}}: {@code y = conv(x, kernel)}, then {@code act(y + bias)} with a bias, or max-pooled over
     * the {@code pool} geometry ({@code argmax} per pooled output, else null). See {@code kernels.conv.ConvEngine}.
     *
     * @param s      the convolution or window geometry
     * @param x      the input (N, H, W, C)
     * @param kernel the kernel (KH, KW, C, F)
     * @param bias   the bias (F), or null
     * @param relu   whether ReLU follows the bias
     * @param pool   the max-pooling geometry over the output, or null
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] conv2d(Conv2dShape s, Tensor x, Tensor kernel, Tensor bias, boolean relu, Conv2dShape pool) {
        return conv2d(s, x, kernel, bias, relu, pool, true);
    }

    /**
     * {@link #conv2d(Conv2dShape, Tensor, Tensor, Tensor, boolean, Conv2dShape)}, without the pooling's winners when
     * {@code argmax} is false (inference: nothing will route a gradient back), so the second result is then null.
     *
     * @param s      the convolution or window geometry
     * @param x      the input (N, H, W, C)
     * @param kernel the kernel (KH, KW, C, F)
     * @param bias   the bias (F), or null
     * @param relu   whether ReLU follows the bias
     * @param pool   the max-pooling geometry over the output, or null
     * @param argmax whether to return the pooling's winners
     * @return {@code {y, argmax}}, new tensors owned by the caller (argmax null without pooling or when not asked for)
     */
    default Tensor[] conv2d(Conv2dShape s, Tensor x, Tensor kernel, Tensor bias, boolean relu, Conv2dShape pool, boolean argmax) {
        return HostConv.forward(this, s, x, kernel, bias, relu, pool, argmax);
    }

    /**
     * {@code {dx, dkernel, dbias}} of {@link #conv2d} from the upstream gradient {@code g}; each only when wanted
     * (null otherwise). {@code y} is the forward output (read with {@code relu}), {@code argmax} its pooling record.
     *
     * @param s       the convolution or window geometry
     * @param g       the upstream gradient, shaped like the forward output
     * @param x       the forward input
     * @param kernel  the kernel (KH, KW, C, F)
     * @param y       the forward output
     * @param argmax  the forward's record of each window's winner
     * @param relu    whether ReLU follows the bias
     * @param hasBias whether the forward had a bias
     * @param pool    the forward's pooling geometry, or null
     * @param wantDx  whether dx is needed
     * @param wantDk  whether dkernel is needed
     * @param wantDb  whether dbias is needed
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] conv2dBackward(Conv2dShape s, Tensor g, Tensor x, Tensor kernel, Tensor y, Tensor argmax, boolean relu,
                                    boolean hasBias, Conv2dShape pool, boolean wantDx, boolean wantDk, boolean wantDb) {
        return HostConv.backward(this, s, g, x, kernel, y, argmax, relu, hasBias, pool, wantDx, wantDk, wantDb);
    }

    /**
     * {@code y (N, s.h, s.w, s.c)}, the transposed convolution of {@code x (N, s.oh, s.ow, s.f)}: the adjoint of
     * {@link #conv2d} over {@code s} (its input gradient with {@code x} as the upstream gradient), so each input pixel
     * scatters {@code kernel (KH, KW, C, F)} times its value into the larger output.
     *
     * @param s      the convolution or window geometry
     * @param x      the input (N, s.oh, s.ow, s.f)
     * @param kernel the kernel (KH, KW, C, F)
     * @return a new tensor owned by the caller
     */
    default Tensor conv2dTranspose(Conv2dShape s, Tensor x, Tensor kernel) {
        return HostConv.transpose(this, s, x, kernel);
    }

    // ------------------------------------------------------------------ optimizer updates (in place, F32, contiguous)

    /**
     * One Adam(W) step on {@code param} with moments {@code m}, {@code v}: {@code l2} adds {@code l2·p} to the
     * gradient (Adam's weight decay), {@code decoupledDecay} shrinks {@code p} by {@code lr·decay} (AdamW);
     * {@code step} counts from 1.
     *
     * @param param          the parameter, updated in place
     * @param grad           its gradient
     * @param m              the first-moment average, updated in place
     * @param v              the second-moment average, updated in place
     * @param lr             the learning rate
     * @param beta1          the first moment's decay
     * @param beta2          the second moment's decay
     * @param eps            added to the second moment's root
     * @param step           the step number, from 1 (bias correction)
     * @param l2             the L2 factor added to the gradient (0 for none)
     * @param decoupledDecay AdamW's decay factor (0 for none)
     */
    default void adam(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, long step,
                      float l2, float decoupledDecay) {
        OptimizerUpdate.adam(param.segment().asSlice(param.offset() * 4), grad.segment().asSlice(grad.offset() * 4),
                m.segment().asSlice(m.offset() * 4), v.segment().asSlice(v.offset() * 4), 0, param.numel(), lr, beta1, beta2, eps,
                step, l2, decoupledDecay);
    }

    /**
     * One SGD step with optional (Nesterov) momentum in {@code buf}, PyTorch's rules; {@code l2} as in {@link #adam}.
     *
     * @param param     the parameter, updated in place
     * @param grad      its gradient
     * @param buf       the momentum buffer, updated in place
     * @param lr        the learning rate
     * @param momentum  the velocity's decay (0 for none)
     * @param dampening the share of the gradient withheld from the velocity
     * @param l2        the L2 factor added to the gradient (0 for none)
     * @param nesterov  whether to use Nesterov momentum
     * @param firstStep whether this is the first step (the buffer starts as the gradient)
     */
    default void sgd(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening, float l2, boolean nesterov,
                     boolean firstStep) {
        OptimizerUpdate.sgd(param.segment().asSlice(param.offset() * 4), grad.segment().asSlice(grad.offset() * 4),
                buf.segment().asSlice(buf.offset() * 4), 0, param.numel(), lr, momentum, dampening, l2, nesterov, firstStep);
    }

    // ------------------------------------------------------------------ normalisation

    /**
     * LayerNorm over the last axis: {@code {y, mean, rstd}} with {@code mean} and {@code rstd = 1/sqrt(var + eps)}
     * per row (biased variance; shape: x's without the last axis) and {@code y = (x - mean)·rstd·gamma + beta}.
     *
     * @param x     the input (…, C)
     * @param gamma the scale (C)
     * @param beta  the shift (C)
     * @param eps   added to the variance before the square root
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        long cols = x.dim(x.rank() - 1), rows = x.numel() / Math.max(1, cols);
        long[] rowShape = Arrays.copyOf(x.shape(), x.rank() - 1);
        Tensor y = Tensor.empty(x.dtype(), x.shape()), mean = Tensor.empty(x.dtype(), rowShape), rstd = Tensor.empty(x.dtype(), rowShape);
        try (Tensor xc = x.contiguous(); Tensor gc = gamma.contiguous(); Tensor bc = beta.contiguous()) {
            LayerNorm.forward(x.dtype().byteSize(), y.segment(), 0, mean.segment(), 0, rstd.segment(), 0, xc.segment(), xc.offset(),
                    gc.segment(), gc.offset(), bc.segment(), bc.offset(), rows, cols, eps);
        }
        return new Tensor[] {y, mean, rstd};
    }

    /**
     * {@code {dx, dgamma, dbeta}} of {@link #layerNorm} from the upstream gradient {@code g} and the saved statistics.
     *
     * @param g     the upstream gradient, shaped like the forward output
     * @param x     the forward input
     * @param gamma the scale over the last axis
     * @param mean  the saved per-row (or per-channel) means
     * @param rstd  the saved reciprocal standard deviations
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] layerNormBackward(Tensor g, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        long cols = x.dim(x.rank() - 1), rows = x.numel() / Math.max(1, cols);
        Tensor dx = Tensor.empty(x.dtype(), x.shape()), dg = Tensor.empty(x.dtype(), cols), db = Tensor.empty(x.dtype(), cols);
        try (Tensor gc = g.contiguous(); Tensor xc = x.contiguous(); Tensor wc = gamma.contiguous(); Tensor mc = mean.contiguous();
             Tensor rc = rstd.contiguous()) {
            LayerNorm.backward(x.dtype().byteSize(), dx.segment(), 0, dg.segment(), 0, db.segment(), 0, gc.segment(), gc.offset(),
                    xc.segment(), xc.offset(), wc.segment(), wc.offset(), mc.segment(), mc.offset(), rc.segment(), rc.offset(), rows, cols);
        }
        return new Tensor[] {dx, dg, db};
    }

    /**
     * Batch normalisation in training mode over every axis but the last (channels): {@code {y, mean, var, rstd}} with
     * the batch's per-channel {@code mean}, biased {@code var} and {@code rstd = 1/sqrt(var + eps)} (each of shape
     * {@code (C)}) and {@code y = (x - mean)·rstd·gamma + beta}.
     *
     * @param x     the input (…, C)
     * @param gamma the scale (C)
     * @param beta  the shift (C)
     * @param eps   added to the variance before the square root
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] batchNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        long cols = x.dim(x.rank() - 1), rows = x.numel() / Math.max(1, cols);
        Tensor y = Tensor.empty(x.dtype(), x.shape()), mean = Tensor.empty(x.dtype(), cols), var = Tensor.empty(x.dtype(), cols),
                rstd = Tensor.empty(x.dtype(), cols);
        try (Tensor xc = x.contiguous(); Tensor gc = gamma.contiguous(); Tensor bc = beta.contiguous()) {
            BatchNorm.forward(x.dtype().byteSize(), y.segment(), 0, mean.segment(), 0, var.segment(), 0, rstd.segment(), 0,
                    xc.segment(), xc.offset(), gc.segment(), gc.offset(), bc.segment(), bc.offset(), rows, cols, eps);
        }
        return new Tensor[] {y, mean, var, rstd};
    }

    /**
     * {@code {dx, dgamma, dbeta}} of {@link #batchNorm} from the upstream gradient {@code g} and the saved statistics.
     *
     * @param g     the upstream gradient, shaped like the forward output
     * @param x     the forward input
     * @param gamma the scale over the last axis
     * @param mean  the saved per-row (or per-channel) means
     * @param rstd  the saved reciprocal standard deviations
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] batchNormBackward(Tensor g, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        long cols = x.dim(x.rank() - 1), rows = x.numel() / Math.max(1, cols);
        Tensor dx = Tensor.empty(x.dtype(), x.shape()), dg = Tensor.empty(x.dtype(), cols), db = Tensor.empty(x.dtype(), cols);
        try (Tensor gc = g.contiguous(); Tensor xc = x.contiguous(); Tensor wc = gamma.contiguous(); Tensor mc = mean.contiguous();
             Tensor rc = rstd.contiguous()) {
            BatchNorm.backward(x.dtype().byteSize(), dx.segment(), 0, dg.segment(), 0, db.segment(), 0, gc.segment(), gc.offset(),
                    xc.segment(), xc.offset(), wc.segment(), wc.offset(), mc.segment(), mc.offset(), rc.segment(), rc.offset(), rows, cols);
        }
        return new Tensor[] {dx, dg, db};
    }

    /**
     * RMSNorm over the last axis: {@code {y, rstd}} with {@code rstd[r] = 1/sqrt(mean_c x[r,c]² + eps)} (shape:
     * x's without the last axis) and {@code y = x·rstd·weight}.
     *
     * @param x      the input (…, C)
     * @param weight the scale (C)
     * @param eps    added to the variance before the square root
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] rmsNorm(Tensor x, Tensor weight, double eps) {
        long cols = x.dim(x.rank() - 1), rows = x.numel() / Math.max(1, cols);
        Tensor y = Tensor.empty(x.dtype(), x.shape());
        Tensor rstd = Tensor.empty(x.dtype(), Arrays.copyOf(x.shape(), x.rank() - 1));
        try (Tensor xc = x.contiguous(); Tensor wc = weight.contiguous()) {
            RmsNorm.forward(x.dtype().byteSize(), y.segment(), 0, rstd.segment(), 0, xc.segment(), xc.offset(), wc.segment(),
                    wc.offset(), rows, cols, eps);
        }
        return new Tensor[] {y, rstd};
    }

    /**
     * {@code {dx, dweight}} of {@link #rmsNorm} from the upstream gradient {@code g} and the saved {@code rstd}.
     *
     * @param g      the upstream gradient, shaped like the forward output
     * @param x      the forward input
     * @param weight the forward's scale (C)
     * @param rstd   the saved reciprocal standard deviations
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] rmsNormBackward(Tensor g, Tensor x, Tensor weight, Tensor rstd) {
        long cols = x.dim(x.rank() - 1), rows = x.numel() / Math.max(1, cols);
        Tensor dx = Tensor.empty(x.dtype(), x.shape()), dw = Tensor.empty(x.dtype(), cols);
        try (Tensor gc = g.contiguous(); Tensor xc = x.contiguous(); Tensor wc = weight.contiguous(); Tensor rc = rstd.contiguous()) {
            RmsNorm.backward(x.dtype().byteSize(), dx.segment(), 0, dw.segment(), 0, gc.segment(), gc.offset(), xc.segment(),
                    xc.offset(), wc.segment(), wc.offset(), rc.segment(), rc.offset(), rows, cols);
        }
        return new Tensor[] {dx, dw};
    }

    // ------------------------------------------------------------------ attention

    /**
     * Scaled dot-product attention of {@code q (B, H, Tq, D)} over {@code k, v (B, H, Tk, D)}, written into
     * {@code out (B, H, Tq, D) = (softmax(scale·q·kᵀ, masked)∘Z)·v} and {@code lse (B, H, Tq)}, the log-sum-exp of each
     * query row's visible scores ({@code +∞}, with {@code out = 0}, for a row that sees no key). Causal: query
     * {@code i} sees keys {@code j <= i + Tk - Tq} (queries aligned to the end of the keys); {@code keyLengths}
     * (null: all) keeps the first {@code keyLengths[b]} keys of batch element {@code b}. {@code Z} is 1 without
     * dropout, else 0 (probability {@code p}) or {@code 1/(1-p)}, a pure function of (seed, head, query, key).
     * Every {@code (B, H, T, D)} tensor may be a view with any strides whose last axis is contiguous (the heads of a
     * packed {@code (B, T, 3, H, D)} projection, a {@code (B, T, H, D)} output seen as {@code (B, H, T, D)}): inputs
     * are read in place (others copied first), outputs must be such views and are written in place; {@code lse} is
     * contiguous. One fused pass ({@code kernels.attention.Attention}); the scores are never stored whole.
     *
     * @param out  where the output goes (B, H, Tq, D), written in place
     * @param lse  where the log-sum-exp goes (B, H, Tq), contiguous
     * @param q    the queries (B, H, Tq, D)
     * @param k    the keys (B, H, Tk, D)
     * @param v    the values (B, H, Tk, D)
     * @param spec the mask, scale and dropout
     */
    default void attention(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, AttentionSpec spec) {
        HostAttention.forward(out, lse, q, k, v, spec);
    }

    /**
     * {@code dq, dk, dv} of {@link #attention} (written in place, views as for {@code out}) from the upstream
     * gradient {@code dout} and the forward's {@code out, lse}; the dropout mask is regenerated from the seed.
     *
     * @param dq   where dq goes, written in place
     * @param dk   where dk goes, written in place
     * @param dv   where dv goes, written in place
     * @param dout the upstream gradient (B, H, Tq, D)
     * @param q    the queries (B, H, Tq, D)
     * @param k    the keys (B, H, Tk, D)
     * @param v    the values (B, H, Tk, D)
     * @param out  the forward output
     * @param lse  the forward's log-sum-exp
     * @param spec the mask, scale and dropout
     */
    default void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse,
                                   AttentionSpec spec) {
        HostAttention.backward(dq, dk, dv, dout, q, k, v, out, lse, spec);
    }

    // ------------------------------------------------------------------ recurrent layers (batch-first)

    /**
     * One LSTM layer in one direction over {@code x (B, T, I)} from {@code h0, c0 (B, H)}, PyTorch's layout and gate
     * order (i, f, g, o): {@code wIh (4H, I)}, {@code wHh (4H, H)}, {@code bIh, bHh (4H)}. Returns {@code {y (B, T, H),
     * hT, cT (B, H), gates (T, B, 4H), cs (T, B, H), hs (T, B, H)}}: the outputs, the final states (of the last step
     * processed), and what {@link #lstmBackward} reads (the gate activations, cell and hidden states, time-major).
     * {@code reverse} processes the steps from last to first. Per step: one GEMM for all four gates and the fused
     * cell ({@code kernels.rnn.LstmCell}).
     *
     * @param x       the input (B, T, I)
     * @param h0      the initial hidden state (B, H)
     * @param c0      the initial cell state (B, H)
     * @param wIh     the input weights (4H, I)
     * @param wHh     the recurrent weights (4H, H)
     * @param bIh     the input bias (4H)
     * @param bHh     the recurrent bias (4H)
     * @param reverse whether the steps run from last to first
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] lstm(Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, boolean reverse) {
        return HostRnn.lstm(this, x, h0, c0, wIh, wHh, bIh, bHh, reverse);
    }

    /**
     * Backward through time of {@link #lstm} from the gradients of {@code y (B, T, H)}, {@code hT} and {@code cT}:
     * {@code {dx, dh0, dc0, dwIh, dwHh, dbIh, dbHh}}.
     *
     * @param dy      the gradient of the outputs (B, T, H)
     * @param dhT     the gradient of the final hidden state (B, H)
     * @param dcT     the gradient of the final cell state (B, H)
     * @param x       the forward input (B, T, I)
     * @param h0      the initial hidden state (B, H)
     * @param c0      the initial cell state (B, H)
     * @param wIh     the input weights
     * @param wHh     the recurrent weights
     * @param gates   the forward's gate activations (T, B, 4H)
     * @param cs      the forward's cell states (T, B, H)
     * @param hs      the forward's hidden states (T, B, H)
     * @param reverse whether the steps run from last to first
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] lstmBackward(Tensor dy, Tensor dhT, Tensor dcT, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor gates,
                                  Tensor cs, Tensor hs, boolean reverse) {
        return HostRnn.lstmBackward(this, dy, dhT, dcT, x, h0, c0, wIh, wHh, gates, cs, hs, reverse);
    }

    /**
     * One GRU layer in one direction over {@code x (B, T, I)} from {@code h0 (B, H)}, PyTorch's layout and gate order
     * (r, z, n): {@code wIh (3H, I)}, {@code wHh (3H, H)}, {@code bIh, bHh (3H)}. Returns {@code {y (B, T, H), hT (B, H),
     * act (T, B, 4H), hs (T, B, H)}} ({@code act}: r, z, n and the hidden part of n's preactivation, for the backward).
     *
     * @param x       the input (B, T, I)
     * @param h0      the initial hidden state (B, H)
     * @param wIh     the input weights (3H, I)
     * @param wHh     the recurrent weights (3H, H)
     * @param bIh     the input bias (3H)
     * @param bHh     the recurrent bias (3H)
     * @param reverse whether the steps run from last to first
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] gru(Tensor x, Tensor h0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, boolean reverse) {
        return HostRnn.gru(this, x, h0, wIh, wHh, bIh, bHh, reverse);
    }

    /**
     * Backward through time of {@link #gru}: {@code {dx, dh0, dwIh, dwHh, dbIh, dbHh}}.
     *
     * @param dy      the gradient of the outputs (B, T, H)
     * @param dhT     the gradient of the final hidden state (B, H)
     * @param x       the forward input (B, T, I)
     * @param h0      the initial hidden state (B, H)
     * @param wIh     the input weights
     * @param wHh     the recurrent weights
     * @param act     the forward's gate record (T, B, 4H)
     * @param hs      the forward's hidden states (T, B, H)
     * @param reverse whether the steps run from last to first
     * @return the results listed above, new tensors owned by the caller
     */
    default Tensor[] gruBackward(Tensor dy, Tensor dhT, Tensor x, Tensor h0, Tensor wIh, Tensor wHh, Tensor act, Tensor hs, boolean reverse) {
        return HostRnn.gruBackward(this, dy, dhT, x, h0, wIh, wHh, act, hs, reverse);
    }
}
