package dev.panamax.nn.optim;

import dev.panamax.tensors.Tensor;

/** RMSprop (Keras: ρ 0.9, ε 1e-7): {@code v = ρ·v + (1-ρ)·g²; w -= lr·g / (sqrt(v) + ε)}. */
public final class RmsProp extends Optimizer {
    private final double rho, eps;

    /**
     * RMSprop with Keras' defaults, ρ 0.9 and ε 1e-7.
     *
     * @param lr the learning rate, positive
     * @throws IllegalArgumentException when {@code lr} is not positive
     */
    public RmsProp(double lr) {
        this(lr, 0.9, 1e-7);
    }

    /**
     * RMSprop with every constant.
     *
     * @param lr  the learning rate, positive
     * @param rho the decay of the squared-gradient average
     * @param eps added to its root
     * @throws IllegalArgumentException when {@code lr} is not positive
     */
    public RmsProp(double lr, double rho, double eps) {
        super(lr);
        this.rho = rho;
        this.eps = eps;
    }

    @Override
    protected int stateBuffers() {
        return 1;
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] s, double lr) {
        Tensor v = s[0];
        try (Tensor g2 = g.square(); Tensor a = v.mul(rho); Tensor b = g2.mul(1 - rho); Tensor nv = a.add(b)) {
            v.copyFrom(nv);
        }
        try (Tensor r = v.sqrt(); Tensor d = r.add(eps); Tensor q = g.div(d); Tensor step = q.mul(-lr)) {
            w.addInPlace(step);
        }
    }
}
