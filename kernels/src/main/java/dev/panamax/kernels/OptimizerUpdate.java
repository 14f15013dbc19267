package dev.panamax.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Fused, in-place optimizer steps over {@code n} parameters from element offset {@code off} (same offset in
 * every buffer), following PyTorch's definitions so its reference values apply.
 */
public final class OptimizerUpdate {
    private OptimizerUpdate() {}

    /**
     * Adam (and AdamW) step {@code t >= 1}:
     * <pre>
     * g' = g + l2·p;  m = β1·m + (1-β1)·g';  v = β2·v + (1-β2)·g'²
     * p = p·(1 - lr·decay) - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + eps)
     * </pre>
     * {@code l2} is Adam's coupled weight decay; {@code decoupledDecay} is AdamW's (pass 0 for the other).
     */
    public static void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                            float lr, float beta1, float beta2, float eps, long t, float l2, float decoupledDecay) {
        if (t < 1) throw new IllegalArgumentException("adam: step must start at 1, got " + t);
        float c1 = (float) (1 - Math.pow(beta1, t)), c2 = (float) (1 - Math.pow(beta2, t));
        float decoupled = lr * decoupledDecay;
        boolean vector = Simd.ENABLED && Simd.native3(p, g, m) && v.isNative();
        if (n < 2 * Parallel.MIN_ELEMENTS_PER_TASK || Parallel.THREADS == 1) {  // no task objects for small work
            adamRange(vector, p, g, m, v, off, n, lr, beta1, beta2, eps, c1, c2, l2, decoupled);
            return;
        }
        // Elementwise, so any split gives the same bits; a large tensor streams from L3 on every core.
        Parallel.forRange(n, Parallel.MIN_ELEMENTS_PER_TASK, (from, to) ->
                adamRange(vector, p, g, m, v, off + from, to - from, lr, beta1, beta2, eps, c1, c2, l2, decoupled));
    }

    private static void adamRange(boolean vector, MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                                  float lr, float beta1, float beta2, float eps, float c1, float c2, float l2, float decoupled) {
        if (vector) FusedVector.adam(p, g, m, v, off, n, lr, beta1, beta2, eps, c1, c2, l2, decoupled);
        else FusedScalar.adam(p, g, m, v, off, n, lr, beta1, beta2, eps, c1, c2, l2, decoupled);
    }

    /**
     * SGD with optional momentum (PyTorch: {@code buf = g'} on the first step, then
     * {@code buf = μ·buf + (1-dampening)·g'}; Nesterov steps by {@code g' + μ·buf}); {@code g' = g + l2·p}.
     * Memory-bound and rare next to Adam, so it stays scalar.
     */
    public static void sgd(MemorySegment p, MemorySegment g, MemorySegment buf, long off, long n, float lr,
                           float momentum, float dampening, float l2, boolean nesterov, boolean firstStep) {
        FusedScalar.sgd(p, g, buf, off, n, lr, momentum, dampening, l2, nesterov, firstStep);
    }
}
