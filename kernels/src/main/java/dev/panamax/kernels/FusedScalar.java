package dev.panamax.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** Scalar twins of {@link FusedVector}: the definitions, the tails and the test oracle. Offsets in elements. */
public final class FusedScalar {
    private FusedScalar() {}

    static float get(MemorySegment s, long i) {
        return s.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
    }

    static void set(MemorySegment s, long i, float v) {
        s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, v);
    }

    /** out[i] = exp(x[i] - shift); returns Σ out (accumulated in double). */
    public static double expShiftSum(MemorySegment out, long o, MemorySegment x, long xo, long n, float shift) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
            float e = (float) Math.exp(get(x, xo + i) - shift);
            set(out, o + i, e);
            sum += e;
        }
        return sum;
    }

    /** out[i] = x[i] · factor + add. */
    public static void affine(MemorySegment out, long o, MemorySegment x, long xo, long n, float factor, float add) {
        for (long i = 0; i < n; i++) set(out, o + i, get(x, xo + i) * factor + add);
    }

    /** out[i] = max(x[i] + bias[i], 0). */
    public static void biasRelu(MemorySegment out, long o, MemorySegment x, long xo, MemorySegment bias, long bo, long n) {
        for (long i = 0; i < n; i++) {
            float v = get(x, xo + i) + get(bias, bo + i);
            set(out, o + i, v > 0 ? v : (v == v ? 0f : v));
        }
    }

    /** out[i] = x[i] + bias[i]. */
    public static void biasAdd(MemorySegment out, long o, MemorySegment x, long xo, MemorySegment bias, long bo, long n) {
        for (long i = 0; i < n; i++) set(out, o + i, get(x, xo + i) + get(bias, bo + i));
    }

    /**
     * The bias(+ReLU) backward over columns {@code [c0, c0 + n)} of {@code rows} rows (row stride {@code cols}):
     * {@code gx = y > 0 ? g : 0} (relu; {@code gx} unused when not), then {@code gbias[c] += gx[r, c]}.
     */
    public static void biasActBackward(MemorySegment gx, long gxo, MemorySegment g, long go, MemorySegment y, long yo,
                                       MemorySegment gbias, long gbo, long rows, long cols, long c0, long n, boolean relu) {
        for (long r = 0; r < rows; r++) {
            for (long c = c0; c < c0 + n; c++) {
                long i = r * cols + c;
                float v = get(g, go + i);
                if (relu) {
                    v = get(y, yo + i) > 0 ? v : 0f;
                    set(gx, gxo + i, v);
                }
                set(gbias, gbo + c, get(gbias, gbo + c) + v);
            }
        }
    }

    /** PyTorch's Adam step; see {@link OptimizerUpdate#adam} for the parameters. */
    public static void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                            float lr, float beta1, float beta2, float eps, float c1, float c2, float l2, float decoupled) {
        for (long i = off; i < off + n; i++) {
            float w = get(p, i);
            float grad = get(g, i) + l2 * w;
            float mi = beta1 * get(m, i) + (1 - beta1) * grad;
            float vi = beta2 * get(v, i) + (1 - beta2) * grad * grad;
            set(m, i, mi);
            set(v, i, vi);
            w -= decoupled * w;
            set(p, i, w - lr * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps));
        }
    }

    /** PyTorch's SGD step with momentum; see {@link OptimizerUpdate#sgd}. */
    public static void sgd(MemorySegment p, MemorySegment g, MemorySegment buf, long off, long n, float lr,
                           float momentum, float dampening, float l2, boolean nesterov, boolean first) {
        for (long i = off; i < off + n; i++) {
            float w = get(p, i);
            float grad = get(g, i) + l2 * w;
            float step = grad;
            if (momentum != 0) {
                float b = first ? grad : momentum * get(buf, i) + (1 - dampening) * grad;
                set(buf, i, b);
                step = nesterov ? grad + momentum * b : b;
            }
            set(p, i, w - lr * step);
        }
    }
}
