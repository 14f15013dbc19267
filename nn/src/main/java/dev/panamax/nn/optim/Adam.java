package dev.panamax.nn.optim;

import dev.panamax.autodiff.Var;
import dev.panamax.kernels.OptimizerUpdate;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Keras' defaults: learning rate 1e-3, β1 0.9, β2 0.999, ε 1e-7), one fused in-place kernel per
 * parameter. Moment buffers live as long as their parameter (same scope).
 */
public final class Adam {
    private final float lr, beta1, beta2, eps;
    private final Map<Var, Tensor[]> state = new IdentityHashMap<>();
    private long step;

    public Adam(double lr) {
        this(lr, 0.9, 0.999, 1e-7);
    }

    public Adam(double lr, double beta1, double beta2, double eps) {
        if (lr <= 0) throw new IllegalArgumentException("Adam: learning rate must be positive, got " + lr);
        this.lr = (float) lr;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
    }

    public double learningRate() {
        return lr;
    }

    public long iterations() {
        return step;
    }

    /** One update of every parameter that has a gradient. */
    public void step(List<Var> params) {
        step++;
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            Tensor w = p.value();
            Tensor[] mv = state.computeIfAbsent(p, k -> new Tensor[] {
                MemoryScope.move(Tensor.zeros(w.dtype(), w.shape()), w.owner()),
                MemoryScope.move(Tensor.zeros(w.dtype(), w.shape()), w.owner())});
            if (!w.isContiguous() || !g.isContiguous()) throw new IllegalStateException("Adam: parameters must be contiguous");
            OptimizerUpdate.adam(w.segment().asSlice(w.offset() * 4), g.segment().asSlice(g.offset() * 4),
                    mv[0].segment(), mv[1].segment(), 0, w.numel(), lr, beta1, beta2, eps, step, 0f, 0f);
            w.markModified();
        }
    }

    /** Frees the moment buffers. */
    public void close() {
        state.values().forEach(t -> {
            t[0].close();
            t[1].close();
        });
        state.clear();
    }
}
