package dev.panamax.nn.optim;

import dev.panamax.tensors.Backend;
import dev.panamax.tensors.Tensor;

/**
 * Adam (Keras' defaults: learning rate 1e-3, β1 0.9, β2 0.999, ε 1e-7) and, with a weight decay, AdamW
 * (decoupled decay, as in Loshchilov and Hutter). One fused in-place kernel per parameter.
 */
public class Adam extends Optimizer {
    private final float beta1, beta2, eps, weightDecay;

    /**
     * Adam with Keras' defaults and no weight decay.
     *
     * @param lr the learning rate, positive (1e-3 is the usual start)
     * @throws IllegalArgumentException when {@code lr} is not positive
     */
    public Adam(double lr) {
        this(lr, 0.9, 0.999, 1e-7, 0);
    }

    /**
     * Adam (or AdamW when {@code weightDecay > 0}) with every constant.
     *
     * @param lr          the learning rate, positive
     * @param beta1       the decay of the first-moment average, e.g. 0.9
     * @param beta2       the decay of the second-moment average, e.g. 0.999
     * @param eps         added to the root of the second moment, e.g. 1e-7
     * @param weightDecay the decoupled decay per step, scaled by the rate; 0 for none
     * @throws IllegalArgumentException when {@code lr} is not positive
     */
    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(lr);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
    }

    /**
     * AdamW with Keras' default decay 0.004.
     *
     * @param lr          the learning rate, positive
     * @param weightDecay the decoupled decay, e.g. 0.004
     * @return the optimizer
     */
    public static Adam adamW(double lr, double weightDecay) {
        return new Adam(lr, 0.9, 0.999, 1e-7, weightDecay);
    }

    @Override
    protected boolean supportsWeightDecay() {
        return true;
    }

    @Override
    protected int stateBuffers() {
        return 2;
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] s, double lr) {
        Backend.of(w).adam(w, g, s[0], s[1], (float) lr, beta1, beta2, eps, iterations, 0f, weightDecay(weightDecay));
    }
}
