package dev.panamax.nn.optim;

import dev.panamax.tensors.Tensor;

/** Adagrad (Keras: initial accumulator 0.1, ε 1e-7): {@code a += g²; w -= lr·g / (sqrt(a) + ε)}. */
public final class Adagrad extends Optimizer {
    private final double eps;

    /**
     * Adagrad with ε 1e-7.
     *
     * @param lr the learning rate, positive
     * @throws IllegalArgumentException when {@code lr} is not positive
     */
    public Adagrad(double lr) {
        super(lr);
        this.eps = 1e-7;
    }

    @Override
    protected int stateBuffers() {
        return 1;
    }

    @Override
    protected double initialState() {
        return 0.1;
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] s, double lr) {
        try (Tensor g2 = g.square()) {
            s[0].addInPlace(g2);
        }
        try (Tensor r = s[0].sqrt(); Tensor d = r.add(eps); Tensor q = g.div(d); Tensor step = q.mul(-lr)) {
            w.addInPlace(step);
        }
    }
}
