package dev.panamax.nn.optim;

import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/** Stochastic gradient descent with optional momentum and Nesterov momentum (Keras/PyTorch definitions agree). */
public final class Sgd extends Optimizer {
    private final float momentum;
    private final boolean nesterov;

    /**
     * Plain SGD, no momentum.
     *
     * @param lr the learning rate, positive
     * @throws IllegalArgumentException when {@code lr} is not positive
     */
    public Sgd(double lr) {
        this(lr, 0, false);
    }

    /**
     * SGD with momentum.
     *
     * @param lr       the learning rate, positive
     * @param momentum the velocity's decay, in [0, 1); 0 for none
     * @param nesterov whether to use Nesterov's look-ahead form
     * @throws IllegalArgumentException when {@code lr} is not positive or {@code momentum} is outside [0, 1)
     */
    public Sgd(double lr, double momentum, boolean nesterov) {
        super(lr);
        if (momentum < 0 || momentum >= 1) throw new IllegalArgumentException("SGD: momentum must be in [0, 1), got " + momentum);
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
    }

    /** Plain SGD has no decay of its own; a {@link ParamGroup} may give one (PyTorch's L2 {@code weight_decay}). */
    @Override
    protected boolean supportsWeightDecay() {
        return true;
    }

    @Override
    protected int stateBuffers() {
        return 1;
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] s, double lr) {
        Backend.of(w).sgd(w, g, s[0], (float) lr, momentum, 0f, weightDecay(0f), nesterov, iterations == 1);
    }
}
